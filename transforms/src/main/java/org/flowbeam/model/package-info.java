/**
 * FlowBeam's data model: immutable packets, canonical flow keys, flow records, statistics records
 * and rejected records, each with a compact deterministic Beam coder. Protocol numbers and TCP
 * flags are typed constants; addresses are parsed without name lookups and printed as tshark does.
 */
package org.flowbeam.model;
