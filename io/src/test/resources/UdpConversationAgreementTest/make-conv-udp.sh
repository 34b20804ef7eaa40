#!/bin/sh
# Writes conv-udp.txt: tshark's UDP conversation table of every shared capture that has one, the
# oracle of UdpConversationAgreementTest. Run from this directory (Wireshark 4.0.17 here):
#   sh make-conv-udp.sh ../../../../../shared/data/captures > conv-udp.txt
# Each capture's table is tshark's output as it is, after a line "## folder/name".
set -eu
captures=$1
cd "$captures"
for f in */*; do
  case "$f" in *.1|*.2|*.3) continue ;; esac
  out=$(tshark -r "$f" -q -z conv,udp 2>/dev/null || true)
  if printf '%s\n' "$out" | grep -q '<->'; then
    echo "## $f"
    printf '%s\n' "$out"
  fi
done
