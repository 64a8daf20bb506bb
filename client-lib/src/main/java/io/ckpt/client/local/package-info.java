/**
 * The client's local memory-mapped store: segments loaded from the cluster, kept in Chronicle
 * Map files in a directory the application names, readable at memory speed and after restarts.
 */
package io.ckpt.client.local;
