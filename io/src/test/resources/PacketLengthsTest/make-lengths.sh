#!/bin/sh
# Writes lengths.csv: for every IP frame of the captures below, tshark's IP total length
# (IPv6: 40 + payload length) and transport payload length (TCP tcp.len, UDP udp.length - 8,
# ICMP the message less its 8-byte header), the oracle of PacketLengthsTest.
# Run from this directory with tshark on the PATH; SHARED is ../shared/data/captures of the repo.
set -eu
SHARED=${SHARED:-../../../../../../shared/data/captures}
SAMPLE=../../../../../src/samples/loopback-5k.pcap
echo "capture,ip_length,payload_length"
for f in "$SAMPLE" "$SHARED/ndpi/http_ipv6.pcap" "$SHARED/dpkt/dns_icmp.pcap" "$SHARED/ndpi/tftp.pcap"; do
  name=$(basename "$(dirname "$f")")/$(basename "$f")
  tshark -r "$f" -T fields -E separator=, -E aggregator="|" \
      -e ip.len -e ip.hdr_len -e ipv6.plen -e ip.proto -e ipv6.nxt -e tcp.len -e udp.length 2>/dev/null |
    awk -F, -v name="$name" '
      function first(v) { split(v, a, "|"); return a[1] }
      {
        iplen = first($1); hdr = first($2); plen = first($3); proto = first($4); nxt = first($5)
        if (iplen == "" && plen == "") next
        if (iplen != "") { total = iplen; p = proto; hl = hdr } else { total = plen + 40; p = nxt; hl = 40 }
        if (p == 6) payload = first($6)
        else if (p == 17) payload = first($7) - 8
        else if (p == 1 || p == 58) payload = total - hl - 8
        else payload = -1
        print name "," total "," payload
      }'
done
