package dev.lingon.supervision.api;

/** The answers of {@code start_child}. */
public sealed interface StartChildResult permits Reply.Started, Reply.Ignored, Reply.Failed, Reply.AlreadyStarted,
        Reply.AlreadyPresent, Reply.BadChildSpec {
}
