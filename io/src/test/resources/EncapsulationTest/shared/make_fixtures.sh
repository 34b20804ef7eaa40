#!/bin/sh
# What tshark 4.0 sees in each frame of the shared captures that hold encapsulations (found with
# `tshark -q -z io,phs` over every shared capture), for EncapsulationTest. Run from this directory
# with the shared data at ../../../../../../../shared/data (or give its path as the argument):
#
#   sh make_fixtures.sh [SHARED_DATA]
#
# Each capture's fixture is FOLDER/NAME.tshark.csv, with the same fields as make_captures.py's.
set -e
DATA=${1:-../../../../../../../shared/data}
for c in \
    dpkt/nb6-http.pcap \
    ndpi/4in6tunnel.pcap \
    ndpi/6in6tunnel.pcap \
    ndpi/ipv6_in_gtp.pcap \
    ndpi/gtp_false_positive.pcapng \
    ndpi/BGP_redist.pcap \
    wireshark/ipoipoip.pcap; do
  mkdir -p "$(dirname "$c")"
  tshark -r "$DATA/captures/$c" -T fields -E header=y -E separator=, -E occurrence=a \
    -E 'aggregator=;' -e frame.number -e frame.protocols -e ip.src -e ip.dst -e ip.proto \
    -e ipv6.src -e ipv6.dst -e ipv6.nxt -e tcp.srcport -e tcp.dstport -e tcp.flags \
    -e udp.srcport -e udp.dstport > "$c.tshark.csv" 2>/dev/null
done
