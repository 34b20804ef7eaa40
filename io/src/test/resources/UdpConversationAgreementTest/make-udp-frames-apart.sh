#!/bin/sh
# Writes udp-frames-apart.csv: the UDP frames of the shared captures that tshark sees inside a
# tunnel (more than one IP or UDP header) and the IP fragments of UDP datagrams: the evidence
# UdpConversationAgreementTest names its explained differences by. Run from this directory
# (Wireshark 4.0.17 here):
#   sh make-udp-frames-apart.sh ../../../../../shared/data/captures > udp-frames-apart.csv
# Columns: capture (folder/name), then tshark's fields; a field that occurs more than once (one per
# header) lists each occurrence, outermost first, separated by '|'.
set -eu
captures=$1
fields="frame.time_epoch frame.len ip.src ip.dst ipv6.src ipv6.dst udp.srcport udp.dstport ip.flags.mf ip.frag_offset ipv6.fraghdr.offset"
filter='(ip.proto == 17 and (ip.flags.mf == 1 or ip.frag_offset > 0)) or ipv6.fraghdr.nxt == 17 or (udp and (count(ip) > 1 or count(ipv6) > 1 or (ip and ipv6) or count(udp) > 1))'
echo "capture,$(echo $fields | tr ' ' ',')"
cd "$captures"
for f in */*; do
  case "$f" in *.1|*.2|*.3) continue ;; esac
  args=""
  for x in $fields; do args="$args -e $x"; done
  tshark -r "$f" -Y "$filter" -T fields -E separator=, -E aggregator='|' $args 2>/dev/null \
    | sed "s|^|$f,|"
done
