package dev.lingon.xen.remote;

import java.io.IOException;

/**
 * A frame that breaks {@link HypercallLayout}: its length, kind, reserved field or body is not what the
 * layout allows, or the connection ended inside it. The stream cannot be trusted after it, so the
 * receiver closes that connection (and no other).
 */
public final class MalformedFrameException extends IOException {
    public MalformedFrameException(String message) {
        super(message);
    }
}
