package org.flowbeam.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Message digests of the algorithms every Java platform has, one instance per thread and algorithm.
 * Flow ids, Community IDs and Zeek uids hash every flow; {@link MessageDigest#getInstance} looks
 * the provider up anew on each call, which cost as much as the hashing itself (a CPU profile of
 * 850,000 flows). An instance is only ever used through {@link MessageDigest#digest(byte[])}, which
 * resets it, so a caller never sees another's input.
 */
public final class Digests {
  private static final ThreadLocal<MessageDigest> SHA1 = perThread("SHA-1");
  private static final ThreadLocal<MessageDigest> SHA256 = perThread("SHA-256");

  private Digests() {}

  /** The SHA-1 digest of {@code input}. */
  public static byte[] sha1(byte[] input) {
    return SHA1.get().digest(input);
  }

  /** The SHA-256 digest of {@code input}. */
  public static byte[] sha256(byte[] input) {
    return SHA256.get().digest(input);
  }

  private static ThreadLocal<MessageDigest> perThread(String algorithm) {
    return ThreadLocal.withInitial(
        () -> {
          try {
            return MessageDigest.getInstance(algorithm);
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
          }
        });
  }
}
