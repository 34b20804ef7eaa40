/**
 * PCAP and PCAPNG as a FlowBeam record format.
 *
 * <p>The parsing is plain Java and needs no Beam: {@link org.flowbeam.io.pcap.CaptureReader} frames
 * the records of a file or of a byte range of it (pcap by validated look-back resynchronisation,
 * pcapng by hopping blocks from the nearest section state recorded in the file's {@link
 * org.flowbeam.io.pcap.PcapngCheckpoints}), {@link org.flowbeam.io.pcap.FrameDecoder} turns a frame
 * into a {@code Packet}, and every bad length becomes a rejected record rather than an exception or
 * an allocation. {@link org.flowbeam.io.pcap.CaptureRecords} is the {@code InputFormat} that {@code
 * org.flowbeam.io.PcapIO} reads through the shared shell: it gives the ranges of a pcapng file
 * their shared checkpoints and adds a {@link org.flowbeam.io.pcap.CaptureSummary} per range.
 */
package org.flowbeam.io.pcap;
