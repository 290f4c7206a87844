package dev.lingon.supervision.api;

/** The answers of {@code delete_child}. */
public sealed interface DeleteChildResult permits Reply.Ok, Reply.Running, Reply.Restarting, Reply.NotFound,
        Reply.SimpleOneForOne {
}
