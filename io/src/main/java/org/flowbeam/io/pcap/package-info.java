/**
 * PCAP and PCAPNG reading for FlowBeam.
 *
 * <p>The parsing is plain Java and needs no Beam: {@link org.flowbeam.io.pcap.CaptureReader} frames
 * the records of a file or of a byte range of it (pcap by validated look-back resynchronisation,
 * pcapng by hopping blocks from the nearest section state recorded in the file's {@link
 * org.flowbeam.io.pcap.PcapngCheckpoints}), {@link org.flowbeam.io.pcap.FrameDecoder} turns a frame
 * into a {@code Packet}, and every bad length becomes a rejected record rather than an exception or
 * an allocation. {@link org.flowbeam.io.pcap.PcapReadFn} is the thin splittable DoFn around the
 * reader that {@code org.flowbeam.io.PcapIO} applies.
 */
package org.flowbeam.io.pcap;
