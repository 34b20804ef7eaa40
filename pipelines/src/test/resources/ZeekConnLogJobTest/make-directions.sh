#!/bin/sh
# Writes loopback-5k-directions.txt, the oracle of ZeekConnLogJobTest: for each direction of each
# TCP 5-tuple of the bundled capture, tshark's frames, sum of tcp.len (payload) and sum of ip.len
# (IP bytes): "src_ip src_port dst_ip dst_port frames payload_bytes ip_bytes", sorted.
# Run from this directory with tshark on the PATH.
set -eu
tshark -r ../../../../../src/samples/loopback-5k.pcap -T fields \
    -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e tcp.len -e ip.len 2>/dev/null |
  awk '{k = $1 " " $2 " " $3 " " $4; b[k] += $5; ip[k] += $6; n[k]++}
       END {for (k in b) print k, n[k], b[k], ip[k]}' |
  LC_ALL=C sort
