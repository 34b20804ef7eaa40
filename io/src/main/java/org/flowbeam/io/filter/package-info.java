/**
 * Which packets a job keeps ({@link org.flowbeam.io.filter.PacketFilter}): a time range, IP
 * protocols, address blocks ({@link org.flowbeam.io.filter.AddressBlock}) and ports ({@link
 * org.flowbeam.io.filter.PortRanges}), parsed from the command line's text by {@link
 * org.flowbeam.io.filter.FilterArguments}. The reading step applies the filter to each packet it
 * decodes, before the packet is digested or shuffled, and counts what it leaves out by reason.
 */
package org.flowbeam.io.filter;
