package dev.lingon.supervision.api;

/** The answers of {@code restart_child}. */
public sealed interface RestartChildResult permits Reply.Started, Reply.Ignored, Reply.Failed, Reply.Running,
        Reply.Restarting, Reply.NotFound, Reply.SimpleOneForOne {
}
