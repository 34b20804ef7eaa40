#!/bin/sh
# Writes icmp-fields.csv: what tshark (Wireshark 4.0.17 here) decodes of every ICMP and ICMPv6
# frame of the shared captures, the oracle of IcmpDecodeTest. Run from this directory:
#   sh make-icmp-fields.sh ../../../../../shared/data/captures > icmp-fields.csv
# Columns: capture (folder/name), then tshark's fields; a field that occurs more than once (an
# error quoting an ICMP message) lists each occurrence, separated by '|'.
set -eu
captures=$1
echo "capture,frame.time_epoch,frame.len,icmp.type,icmp.code,icmp.ident,icmpv6.type,icmpv6.code,icmpv6.echo.identifier"
cd "$captures"
for f in */*; do
  case "$f" in *.1|*.2|*.3) continue ;; esac
  tshark -r "$f" -Y 'icmp or icmpv6' -T fields -E separator=, -E aggregator='|' \
    -e frame.time_epoch -e frame.len -e icmp.type -e icmp.code -e icmp.ident \
    -e icmpv6.type -e icmpv6.code -e icmpv6.echo.identifier 2>/dev/null \
    | sed "s|^|$f,|"
done
