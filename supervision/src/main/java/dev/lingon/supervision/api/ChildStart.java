package dev.lingon.supervision.api;

import java.util.List;

/**
 * A child spec's start function, the {@code {M, F, A}} of OTP. The supervisor calls it on its own thread
 * with the extra arguments of {@code start_child} (only a simple_one_for_one supervisor passes any) and
 * starts the returned init in a new process linked to it. Throwing fails the start with {@code error(cause)}
 * ({@link Processes#exit(ExitReason)}: with that reason; {@link Processes#ignore()}: answers ignore).
 */
@FunctionalInterface
public interface ChildStart {
    ProcessInit<?> start(List<Object> extraArgs) throws Exception;
}
