/**
 * The implementation behind {@code dev.lingon.supervision.api}; not an API, its classes are public only so
 * that the api package can reach them.
 *
 * <p>{@link dev.lingon.supervision.internal.ProcessCell} is the process runtime (an interceptor around a
 * process's behaviour) and {@link dev.lingon.supervision.internal.ProcessHandle} the shared record behind a
 * Pid. {@link dev.lingon.supervision.internal.SupervisorServer} is supervisor.erl written as a Pekko behaviour:
 * OTP's blocking waits become waiters on the exact awaited message, with every other message deferred until
 * the operation is done (see {@code Async}).
 */
package dev.lingon.supervision.internal;
