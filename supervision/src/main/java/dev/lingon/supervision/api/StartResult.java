package dev.lingon.supervision.api;

/** The result of starting a process and waiting for its init: {@code {ok, Pid} | ignore | {error, Reason}}. */
public sealed interface StartResult permits Reply.Started, Reply.Ignored, Reply.Failed {
}
