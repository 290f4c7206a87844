/**
 * Erlang/OTP processes and supervisors on Pekko typed: exit reasons, links, monitors, {@code trap_exit},
 * and {@code supervisor.erl}'s semantics, with the restart decisions as pure functions.
 *
 * <h2>Processes</h2>
 * A process is a Pekko actor whose behaviour runs inside the process runtime ({@link
 * dev.lingon.supervision.api.Processes}, {@link dev.lingon.supervision.api.ProcessContext}). It has a
 * {@link dev.lingon.supervision.api.Pid} and exits with an {@link dev.lingon.supervision.api.ExitReason}:
 * {@code normal} when its behaviour returns {@code Behaviors.stopped()}, the given reason after {@link
 * dev.lingon.supervision.api.Processes#exit(ExitReason)}, {@code error(cause)} when it throws.
 * <ul>
 *   <li>Links are two-way. When a linked process exits, the others get an exit signal with its reason. A
 *       process that does not trap exits ignores {@code normal} and dies with any other reason (a
 *       {@code kill} arriving through a link stays {@code kill}); a trapping process receives {@code {'EXIT',
 *       From, Reason}} as an {@link dev.lingon.supervision.api.ExitMessage}.</li>
 *   <li>{@code exit(Pid, Reason)}: {@code kill} cannot be trapped and ends the target with {@code killed};
 *       {@code normal} is ignored by a non-trapping target unless it is the sender itself.</li>
 *   <li>Monitors are one-way and deliver exactly one {@link dev.lingon.supervision.api.Down}, with
 *       {@code noproc} when the target was already gone.</li>
 * </ul>
 *
 * <h2>Supervisors</h2>
 * {@link dev.lingon.supervision.api.Supervisor} runs a {@link dev.lingon.supervision.api.SupervisorSpec}
 * exactly as {@code supervisor.erl} does:
 * <ul>
 *   <li>Children start in spec order, each start waiting for the child's init (as {@code proc_lib:start_link}
 *       does), and stop in reverse order. A child failing to start during init stops the children already
 *       started (reverse order) and the supervisor fails with {@code {shutdown, {failed_to_start_child, Id,
 *       Reason}}}. A child may answer {@code ignore}: its spec is kept without a process (unless temporary).</li>
 *   <li>one_for_one restarts the child; one_for_all stops the others (reverse order) and starts all (in
 *       order); rest_for_one does the same for the child and those started after it; simple_one_for_one has
 *       one dynamic spec, starts children with extra arguments and stops them in parallel under one timer.</li>
 *   <li>permanent children are always restarted; transient ones only after an abnormal exit (not
 *       {@code normal}, {@code shutdown}, {@code {shutdown,_}}), their spec kept otherwise; temporary ones
 *       never, their spec removed, even when a sibling's failure stopped them.</li>
 *   <li>Restart intensity: on each restart keep the restarts R with R &ge; now &minus; period (whole seconds
 *       of the injected {@link dev.lingon.supervision.api.MonotonicClock}, inclusive), add now; past
 *       intensity, report {@code reached_max_restart_intensity}, stop all children, exit {@code shutdown}. A
 *       restart that fails leaves the child {@code restarting} and is retried through a message to self;
 *       each retry counts.</li>
 *   <li>Shutdown: {@code brutal_kill} kills at once; a timeout sends {@code shutdown} and kills when it
 *       expires; {@code infinity} waits. The supervisor waits for a monitor's DOWN, so a child that unlinked
 *       cannot hang it. auto_shutdown ({@code any_significant}, {@code all_significant}) ends the supervisor
 *       when significant children exit by themselves.</li>
 *   <li>Runtime calls ({@link dev.lingon.supervision.api.SupervisorRef}, {@link
 *       dev.lingon.supervision.api.SupervisorCall}) answer OTP's values ({@link
 *       dev.lingon.supervision.api.Reply}); calls that arrive while the supervisor is starting or stopping
 *       children are answered afterwards.</li>
 *   <li>Reports as SASL writes them ({@link dev.lingon.supervision.api.SupervisorReport}): SLF4J with
 *       key-values, and the actor system's event stream.</li>
 *   <li>The decisions are pure functions ({@link dev.lingon.supervision.api.RestartPolicy}, {@link
 *       dev.lingon.supervision.api.IntensityWindow}), the reference model for the chaos suite.</li>
 * </ul>
 *
 * <h2>How this maps onto Pekko typed, and where the mapping has limits</h2>
 * <ul>
 *   <li>The process runtime is a {@code BehaviorInterceptor} around the process's behaviour. Exceptions
 *       never reach Pekko's own supervision: the runtime turns them into exit reasons. Do not wrap a process
 *       behaviour in {@code Behaviors.supervise}.</li>
 *   <li>A process records its exit reason in its Pid before Pekko stops the actor; links and monitors are
 *       Pekko death watch plus that record. An actor stopped from outside the runtime (its Pekko parent
 *       stopping, {@code ctx.stop}, actor system termination) exits with {@code killed}.</li>
 *   <li>Exit signals are messages: a non-trapping process dies of a signal only after handling the messages
 *       queued before it, and nothing can interrupt a handler that is running (the JVM cannot preempt it).
 *       A supervisor kills its children with Pekko's stop, which overtakes their queued messages but still
 *       waits for the current handler to return. {@code 'EXIT'} and {@code 'DOWN'} messages queue behind the
 *       messages already in the mailbox.</li>
 *   <li>A spawned process is a Pekko child of its spawner and cannot outlive it: when the spawner exits, a
 *       linked child exits with the spawner's reason if that is abnormal; any other child of it is stopped
 *       with {@code killed}, where Erlang would let an unlinked or trapping child run on. Supervisors always
 *       stop their children before they exit, so this only shows when a supervisor is itself killed.</li>
 *   <li>{@code PostStop} runs on every exit, a kill included; Erlang runs no code in a killed process.</li>
 *   <li>{@code demonitor} always flushes (OTP's {@code [flush]} option). {@code link} to a gone process from
 *       a non-trapping caller throws {@link dev.lingon.supervision.api.NoProcException} (Erlang's
 *       {@code error:noproc}).</li>
 *   <li>Where OTP flushes a stopped child's {@code 'EXIT'} ({@code unlink_flush}), this supervisor ignores
 *       it later because the pid no longer names a child: the same outcome.</li>
 *   <li>A simple_one_for_one restart whose start answers {@code ignore} leaves no child (OTP stores
 *       {@code undefined} as a child); which_children of a simple_one_for_one supervisor lists the newest
 *       child first, like the other strategies (OTP: map order); count_children's {@code active} counts the
 *       children that are not restarting, so terminating a restarting child keeps it exact.</li>
 *   <li>start_child's error is {@code {error, Reason}} without the child spec OTP adds; specs have no
 *       {@code modules}; there are no registered names, {@code get_childspec} or code change; the start
 *       returns {@code {ok, Pid}} only ({@code {ok, Pid, Info}} has no counterpart).</li>
 *   <li>Calls wait up to {@link dev.lingon.supervision.api.SupervisorRef#DEFAULT_TIMEOUT} instead of
 *       {@code infinity} (Pekko's scheduler needs a bound) and fail with noproc if the supervisor exits.</li>
 *   <li>Pids and links are local to one actor system.</li>
 * </ul>
 */
package dev.lingon.supervision.api;
