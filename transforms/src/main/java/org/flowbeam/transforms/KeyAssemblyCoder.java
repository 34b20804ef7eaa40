package org.flowbeam.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.flowbeam.tcp.KeyAssembly;

/**
 * Encodes a {@link KeyAssembly}, the keyed stage's state, as {@link KeyAssembly#writeTo} writes it:
 * the rules, the key, the open flow's TCP state and counters, and the packets still waiting. Also
 * the coder of the flows carried from one run to the next ({@link AssembleFlows.Carrying}).
 */
public final class KeyAssemblyCoder extends CustomCoder<KeyAssembly> {
  private static final KeyAssemblyCoder INSTANCE = new KeyAssemblyCoder();

  private KeyAssemblyCoder() {}

  public static KeyAssemblyCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(KeyAssembly value, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    value.writeTo(out);
    out.flush();
  }

  @Override
  public KeyAssembly decode(InputStream inStream) throws IOException {
    return KeyAssembly.readFrom(new DataInputStream(inStream));
  }

  @Override
  public void verifyDeterministic() {}

  private Object readResolve() {
    return INSTANCE;
  }
}
