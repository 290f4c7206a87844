package dev.lingon.supervision.api;

/** The answers of {@code terminate_child}. */
public sealed interface TerminateChildResult permits Reply.Ok, Reply.NotFound, Reply.SimpleOneForOne {
}
