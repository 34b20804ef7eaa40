package org.flowbeam.io.fs;

import java.time.Instant;

/**
 * What a file system says of one path in one call ({@link DirectoryOps#status}): its kind, size and
 * modification time. On HDFS each question asked on its own is a NameNode call; asking them
 * together is one.
 *
 * @param isFile whether it is a regular file
 * @param isDirectory whether it is a directory
 * @param size the size in bytes of a file (for a directory, whatever the file system reports)
 * @param modificationTime the last modification time, at the file system's precision
 */
public record PathStatus(
    boolean isFile, boolean isDirectory, long size, Instant modificationTime) {}
