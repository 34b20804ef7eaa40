/**
 * Flow assembly outside Beam. The TCP state machine: {@code TcpFlowTracker} splits one 5-tuple's
 * time-ordered packets into flows (FIN, RST, idle and active timeouts, port reuse, an optional
 * close linger) and {@code TcpConnection} tracks one flow's handshake, close and counters, and,
 * through {@code ZeekTcpState}, Zeek's view of it (endpoint states, conn_state, history, payload
 * sizes) for the conn.log output. {@code DatagramFlowTracker} does the same for a UDP or ICMP key,
 * by idle and active timeouts only. {@code KeyAssembly} is a key's state in the keyed stage and
 * picks the tracker by protocol; {@code FlowRules} are the options they follow. {@code
 * FlowAssembler} runs them over an in-memory packet list: the reference the Beam stages are tested
 * against ({@code TcpFlowAssembler}: TCP only).
 */
package org.flowbeam.tcp;
