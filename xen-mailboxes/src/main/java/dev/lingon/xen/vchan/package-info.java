/**
 * libxenvchan on the Lingon Xen model: byte rings between two domains on pages the server grants,
 * with an event channel as the doorbell and XenStore as the rendezvous; and length-prefixed frames on
 * top. A full ring is back-pressure (a value saying so), never loss; a malformed ring or frame is a
 * value saying the channel is corrupt, never an exception in the reader's domain.
 */
package dev.lingon.xen.vchan;
