package org.flowbeam.generate;

/**
 * The 5-tuple of one generated conversation, client first: the key of the generator's set of active
 * TCP tuples and of its map of flows whose close reason waits for the tuple's next use.
 *
 * @param v6 both addresses are IPv6
 * @param client the client host (the initiator of every TCP flow on the tuple)
 * @param server the server host
 * @param protocol {@link org.flowbeam.model.IpProtocol#TCP} or {@code UDP}
 */
record Endpoints(
    boolean v6, int client, int clientPort, int server, int serverPort, int protocol) {}
