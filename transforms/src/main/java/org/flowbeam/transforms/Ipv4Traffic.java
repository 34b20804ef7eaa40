package org.flowbeam.transforms;

import java.util.function.BiConsumer;

/**
 * The {@link IpTraffic} of each IPv4 address, keyed by the address as an int: an open-addressing
 * table with linear probing, so that looking an address up boxes nothing — it runs twice per packet
 * in the readers. (No primitive-keyed map library is among the build's dependencies.)
 */
final class Ipv4Traffic {
  private int[] addresses = new int[64];
  private IpTraffic[] traffic = new IpTraffic[64];
  private int size;

  /** The traffic of {@code address}, created empty on its first use. */
  IpTraffic of(int address) {
    int mask = addresses.length - 1;
    int i = slot(address, mask);
    IpTraffic t;
    while ((t = traffic[i]) != null) {
      if (addresses[i] == address) {
        return t;
      }
      i = (i + 1) & mask;
    }
    t = new IpTraffic();
    addresses[i] = address;
    traffic[i] = t;
    if (++size * 2 > addresses.length) {
      grow();
    }
    return t;
  }

  /** Gives every address used and its traffic, in no particular order. */
  void forEach(BiConsumer<Integer, IpTraffic> action) {
    for (int i = 0; i < traffic.length; i++) {
      if (traffic[i] != null) {
        action.accept(addresses[i], traffic[i]);
      }
    }
  }

  private static int slot(int address, int mask) {
    return (address * 0x9E3779B9 >>> 16 ^ address * 0x9E3779B9) & mask;
  }

  private void grow() {
    int[] oldAddresses = addresses;
    IpTraffic[] oldTraffic = traffic;
    addresses = new int[oldAddresses.length * 2];
    traffic = new IpTraffic[oldTraffic.length * 2];
    int mask = addresses.length - 1;
    for (int j = 0; j < oldTraffic.length; j++) {
      if (oldTraffic[j] != null) {
        int i = slot(oldAddresses[j], mask);
        while (traffic[i] != null) {
          i = (i + 1) & mask;
        }
        addresses[i] = oldAddresses[j];
        traffic[i] = oldTraffic[j];
      }
    }
  }
}
