/**
 * The TCP state machine, outside Beam: {@code TcpFlowTracker} splits one 5-tuple's time-ordered
 * packets into flows (FIN, RST, idle and active timeouts, port reuse, an optional close linger) and
 * {@code TcpConnection} tracks one flow's handshake, close and counters. {@code TcpFlowAssembler}
 * runs it over an in-memory packet list: the reference the Beam stages are tested against.
 */
package org.flowbeam.tcp;
