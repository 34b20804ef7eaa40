package org.flowbeam.io.timearcs;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;

/**
 * Splits a TCP flow's packets into the three TimeArcs phases: establishment, data transfer and
 * closing.
 *
 * <p>Packets are taken in flow order. Until the first FIN or RST: a SYN (without ACK) and a SYN-ACK
 * are establishment packets, and so is the first ACK that the initiator sends after a SYN-ACK (the
 * one that completes the handshake); every other packet is data transfer. From the first FIN or RST
 * on, every packet is a closing packet. Each packet gets a step name in the vocabulary of the
 * TimeArcs loaders ({@code syn}, {@code syn_ack}, {@code ack}, {@code data}, {@code ack_data},
 * {@code fin}, {@code rst}, {@code ack_close}) and a short description such as {@code "SYN (client
 * → server)"}, the client being the flow's initiator.
 *
 * <pre>{@code
 * for (PhaseClassifier.Entry e : PhaseClassifier.classify(flow)) {
 *   flow.packets().get(e.packetIndex()); // e.phase(), e.step(), e.description()
 * }
 * }</pre>
 */
public final class PhaseClassifier {
  /** A TimeArcs phase, with the key it has in a flow's {@code "phases"} object. */
  public enum Phase {
    ESTABLISHMENT("establishment"),
    DATA_TRANSFER("dataTransfer"),
    CLOSING("closing");

    private final String key;

    Phase(String key) {
      this.key = key;
    }

    /** The key in the {@code "phases"} object. */
    public String key() {
      return key;
    }
  }

  /**
   * One packet's classification.
   *
   * @param packetIndex the packet's index in the flow's packet list
   * @param phase its phase
   * @param step the step within the phase ({@code syn}, {@code ack_data}, ...)
   * @param description a short human text, e.g. {@code "SYN+ACK (server → client)"}
   */
  public record Entry(int packetIndex, Phase phase, String step, String description) {}

  static final String CLIENT_TO_SERVER = "client → server";
  static final String SERVER_TO_CLIENT = "server → client";

  private PhaseClassifier() {}

  /** Classifies the packets {@code flow} retained, taking its initiator as the client. */
  public static List<Entry> classify(FlowRecord flow) {
    return classify(flow.packets(), flow.initiatorIp(), flow.initiatorPort());
  }

  /**
   * Classifies {@code packets} (in flow order) of a flow whose initiator is {@code
   * initiatorIp}:{@code initiatorPort} (the address as {@link Packet#srcIpText()} prints it).
   */
  public static List<Entry> classify(List<Packet> packets, String initiatorIp, int initiatorPort) {
    List<Entry> out = new ArrayList<>(packets.size());
    boolean synAckSeen = false;
    boolean handshakeDone = false;
    boolean closing = false;
    for (int i = 0; i < packets.size(); i++) {
      Packet p = packets.get(i);
      int f = p.flags();
      boolean fromClient = p.srcPort() == initiatorPort && p.srcIpText().equals(initiatorIp);
      String text =
          TcpFlags.typeName(f) + " (" + (fromClient ? CLIENT_TO_SERVER : SERVER_TO_CLIENT) + ")";
      boolean syn = (f & TcpFlags.SYN) != 0;
      boolean ack = (f & TcpFlags.ACK) != 0;
      if (closing || (f & (TcpFlags.FIN | TcpFlags.RST)) != 0) {
        closing = true;
        String step =
            (f & TcpFlags.RST) != 0 ? "rst" : (f & TcpFlags.FIN) != 0 ? "fin" : "ack_close";
        out.add(new Entry(i, Phase.CLOSING, step, text));
      } else if (!handshakeDone && syn && !ack) {
        out.add(new Entry(i, Phase.ESTABLISHMENT, "syn", text));
      } else if (!handshakeDone && syn) {
        synAckSeen = true;
        out.add(new Entry(i, Phase.ESTABLISHMENT, "syn_ack", text));
      } else if (!handshakeDone && synAckSeen && ack && !syn && fromClient) {
        handshakeDone = true;
        out.add(new Entry(i, Phase.ESTABLISHMENT, "ack", text));
      } else {
        String step =
            (f & ~(TcpFlags.AE | TcpFlags.RESERVED)) == TcpFlags.ACK ? "ack_data" : "data";
        out.add(new Entry(i, Phase.DATA_TRANSFER, step, text));
      }
    }
    return out;
  }
}
