/**
 * Zeek's connection log as an output: {@link org.flowbeam.io.zeek.ZeekConnLog} makes a flow a
 * conn.log row (fields, Zeek types, TSV and JSON values, escaping, uid) as pure functions, and
 * {@link org.flowbeam.io.zeek.ConnLogSink} writes shards of it for {@code FileIO}, each a whole log
 * with Zeek's header and {@code #close}. {@code org.flowbeam.io.ConnLogWrite} shards and partitions
 * it as FlowBeam's other outputs. The derivation of each field is in {@code src/docs/zeek.md}.
 */
package org.flowbeam.io.zeek;
