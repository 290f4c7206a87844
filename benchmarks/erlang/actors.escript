#!/usr/bin/env escript
%% -*- erlang -*-
%%! +P 4194304
%%
%% Lingon's whole-system actor benchmarks on Erlang/BEAM: the same scenarios, sizes, units and CSV
%% columns as the JVM harness (benchmarks/src/main/java/dev/lingon/bench/actors), so that
%% benchmarks/run-actors can put BEAM beside the JVM runtimes measured on the same machine in the
%% same invocation.
%%
%%   escript benchmarks/erlang/actors.escript [--quick] [--scenarios ping-pong,ring,fan-in,spawn]
%%       [--runs N] [--warmups N] [--pairs 1,8] [--round-trips N] [--rings 1000x1000,100000x10]
%%       [--senders N] [--messages N] [--actors N] [--spawn-parents 1,1000] [--csv FILE]
%%
%% The options, their defaults and their --quick values are those of the JVM harness (Options.java);
%% change them in both places. --factories and --factory-config choose JVM runtimes and are accepted
%% and ignored here, so a launcher can pass one command line to both sides.
%%
%% Scenarios (each run in a fresh process that tears down everything it spawned, after a garbage
%% collection of every process, the counterpart of the JVM side's fresh actor system and System.gc()):
%%   ping-pong  pairs of processes exchanging one message at a time; msg/s over all pairs.
%%   ring       n processes passing an integer token m times around; hops/s, and creation in ms
%%              (spawn n processes, close the ring, until each has started).
%%   fan-in     senders each sending its messages to one receiver; msg/s at the receiver. A sender
%%              is a plain send loop: BEAM's reduction budget preempts it, which is what the JVM
%%              side's batches of 100 imitate.
%%   spawn      idle processes (blocked in receive), spawned by one spawning process, and again
%%              spread over 1000 of them (--spawn-parents; on the JVM one parent's child map
%%              dominates); us per process until each has started, and bytes per process: the
%%              growth of erlang:memory(processes_used) after garbage-collecting every process,
%%              divided by the count. That includes each process's control block, its initial heap (233 words),
%%              and the spawner's list of its pids (two words per process), as the JVM figure
%%              includes the parent's child map.
%% "Started" is counted the way the JVM side counts it: each new process decrements a shared atomics
%% counter as its first action, and the one that brings it to zero tells the measuring process.
%%
%% The table goes to standard output, progress to standard error.

-module(actors).
-mode(compile).
-export([main/1]).

-define(SCENARIOS, ["ping-pong", "ring", "fan-in", "spawn"]).

main(Args) ->
    try parse_options(Args) of
        #{help := true} ->
            io:put_chars(usage());
        Options ->
            run(Options)
    catch
        throw:{usage, Message} ->
            io:format(standard_error, "actors.escript: ~ts~n~ts", [Message, usage()]),
            halt(2)
    end.

usage() ->
    "usage: escript benchmarks/erlang/actors.escript [options]\n"
    "  --quick               smoke-run sizes (1 run, 1 warm-up, small counts)\n"
    "  --scenarios LIST      any of ping-pong,ring,fan-in,spawn (default: all)\n"
    "  --runs N              measured runs per size (default 5; quick 1)\n"
    "  --warmups N           unreported runs before them (default 2; quick 1)\n"
    "  --pairs LIST          ping-pong pair counts (default 1,8)\n"
    "  --round-trips N       ping-pong round trips per pair (default 500000; quick 10000)\n"
    "  --rings LIST          ring sizes NxM (default 1000x1000,100000x10; quick 1000x20,10000x5)\n"
    "  --senders N           fan-in senders (default 100)\n"
    "  --messages N          fan-in messages per sender (default 50000; quick 1000)\n"
    "  --actors N            spawn: idle processes (default 1000000; quick 100000)\n"
    "  --spawn-parents LIST  spawn: spawning processes the idle ones are spread over (default 1,1000)\n"
    "  --csv FILE            also write the results as CSV\n"
    "  --factories, --factory-config   JVM-only, ignored here\n"
    "  -h, --help            this text\n".

%% ---------------------------------------------------------------------------------------------
%% Options

parse_options(Args) ->
    {Given, Flags} = collect(Args, #{}, #{}),
    Quick = maps:is_key(quick, Flags),
    Get = fun(Key, Full, QuickValue) ->
                  maps:get(Key, Given, case Quick of true -> QuickValue; false -> Full end)
          end,
    Scenarios = split(Get("--scenarios", "ping-pong,ring,fan-in,spawn", "ping-pong,ring,fan-in,spawn")),
    [throw({usage, "unknown scenario '" ++ S ++ "'"}) || S <- Scenarios, not lists:member(S, ?SCENARIOS)],
    #{help => maps:is_key(help, Flags),
      scenarios => Scenarios,
      runs => positive("--runs", Get("--runs", "5", "1")),
      warmups => non_negative("--warmups", Get("--warmups", "2", "1")),
      pairs => [positive("--pairs", P) || P <- split(Get("--pairs", "1,8", "1,8"))],
      round_trips => positive("--round-trips", Get("--round-trips", "500000", "10000")),
      rings => [ring_size(R) || R <- split(Get("--rings", "1000x1000,100000x10", "1000x20,10000x5"))],
      senders => positive("--senders", Get("--senders", "100", "100")),
      messages => positive("--messages", Get("--messages", "50000", "1000")),
      actors => positive("--actors", Get("--actors", "1000000", "100000")),
      spawn_parents => [positive("--spawn-parents", P) || P <- split(Get("--spawn-parents", "1,1000", "1,1000"))],
      csv => maps:get("--csv", Given, none)}.

-define(VALUED, ["--scenarios", "--runs", "--warmups", "--pairs", "--round-trips", "--rings", "--senders",
                 "--messages", "--actors", "--spawn-parents", "--csv", "--factories", "--factory-config"]).

collect([], Given, Flags) ->
    {Given, Flags};
collect(["--quick" | Rest], Given, Flags) ->
    collect(Rest, Given, Flags#{quick => true});
collect([Help | Rest], Given, Flags) when Help =:= "-h"; Help =:= "--help" ->
    collect(Rest, Given, Flags#{help => true});
collect([Arg | Rest], Given, Flags) ->
    {Name, Inline} = case string:split(Arg, "=") of
                         [N, V] -> {N, {value, V}};
                         [N] -> {N, none}
                     end,
    case lists:member(Name, ?VALUED) of
        false ->
            throw({usage, "unknown option '" ++ Arg ++ "'"});
        true ->
            {Value, Rest1} = case {Inline, Rest} of
                                 {{value, V1}, _} -> {V1, Rest};
                                 {none, [V2 | R2]} -> {V2, R2};
                                 {none, []} -> throw({usage, Name ++ " needs a value"})
                             end,
            collect(Rest1, Given#{Name => Value}, Flags)
    end.

split(Text) ->
    case [string:trim(T) || T <- string:split(Text, ",", all), string:trim(T) =/= ""] of
        [] -> throw({usage, "empty list '" ++ Text ++ "'"});
        Items -> Items
    end.

ring_size(Text) ->
    case string:split(Text, "x") of
        [N, M] ->
            {positive("ring n", N), positive("ring m", M)};
        _ ->
            throw({usage, "a ring size is NxM (e.g. 1000x1000), got '" ++ Text ++ "'"})
    end.

positive(What, Text) ->
    case non_negative(What, Text) of
        0 -> throw({usage, What ++ " must be at least 1"});
        N -> N
    end.

non_negative(What, Text) ->
    try list_to_integer(string:trim(lists:filter(fun(C) -> C =/= $_ end, Text))) of
        N when N >= 0 -> N;
        _ -> throw({usage, What ++ " must not be negative"})
    catch
        error:badarg -> throw({usage, What ++ " wants a number, got '" ++ Text ++ "'"})
    end.

%% ---------------------------------------------------------------------------------------------
%% Running

%% A scenario: name, parameters (the same text as the JVM side), metrics {Name, Unit, Better}, and
%% the fun that runs it once, returning one value per metric.
scenarios(Options) ->
    #{scenarios := Names, pairs := Pairs, round_trips := RoundTrips, rings := Rings,
      senders := Senders, messages := Messages, actors := Actors, spawn_parents := Parents} = Options,
    lists:append([scenarios(Name, Pairs, RoundTrips, Rings, Senders, Messages, Actors, Parents)
                  || Name <- Names]).

scenarios("ping-pong", Pairs, RoundTrips, _, _, _, _, _) ->
    [{"ping-pong", fmt("pairs=~b round-trips=~b", [P, RoundTrips]),
      [{"throughput", "msg/s", higher}],
      fun() -> ping_pong(P, RoundTrips) end}
     || P <- Pairs];
scenarios("ring", _, _, Rings, _, _, _, _) ->
    [{"ring", fmt("n=~b m=~b", [N, M]),
      [{"throughput", "hops/s", higher}, {"creation", "ms", lower}],
      fun() -> ring(N, M) end}
     || {N, M} <- Rings];
scenarios("fan-in", _, _, _, Senders, Messages, _, _) ->
    [{"fan-in", fmt("senders=~b messages=~b", [Senders, Messages]),
      [{"throughput", "msg/s", higher}],
      fun() -> fan_in(Senders, Messages) end}];
scenarios("spawn", _, _, _, _, _, Actors, Parents) ->
    [{"spawn", case P of 1 -> fmt("actors=~b", [Actors]); _ -> fmt("actors=~b parents=~b", [Actors, P]) end,
      [{"spawn", "us/actor", lower}, {"heap", "bytes/actor", lower}],
      fun() -> spawn_idle(Actors, P) end}
     || P <- Parents].

run(Options) ->
    #{runs := Runs, warmups := Warmups, csv := Csv} = Options,
    Scenarios = scenarios(Options),
    check_process_limit(Options),
    io:format("Lingon actor benchmarks, BEAM side: Erlang/OTP ~s (erts ~s, ~s), ~b schedulers online, "
              "process limit ~b~n",
              [erlang:system_info(otp_release), erlang:system_info(version), erlang:system_info(emu_flavor),
               erlang:system_info(schedulers_online), erlang:system_info(process_limit)]),
    io:format("runs: ~b measured after ~b warm-up(s) per size, each in a fresh process~n", [Runs, Warmups]),
    Results = lists:append([measure(S, Runs, Warmups) || S <- Scenarios]),
    io:format("~nBEAM results: median [min..max] of ~b run(s)~n", [Runs]),
    io:put_chars(table(Results)),
    case Csv of
        none -> ok;
        File -> write_csv(File, Results), io:format("CSV: ~s~n", [File])
    end.

check_process_limit(#{scenarios := Names, actors := Actors, rings := Rings, spawn_parents := Parents}) ->
    Needed = lists:max([0] ++ [Actors + lists:max(Parents) || lists:member("spawn", Names)]
                       ++ [N || lists:member("ring", Names), {N, _} <- Rings]),
    Limit = erlang:system_info(process_limit),
    case Needed + 1000 > Limit of
        true ->
            io:format(standard_error, "actors.escript: ~b processes needed, the limit is ~b "
                      "(raise +P on the script's %%! line)~n", [Needed, Limit]),
            halt(2);
        false ->
            ok
    end.

measure({Name, Parameters, Metrics, Fun}, Runs, Warmups) ->
    Label = Name ++ " " ++ Parameters,
    [progress(Label, "warm-up", I, Warmups, Metrics, run_once(Fun)) || I <- lists:seq(1, Warmups)],
    Samples = [progress(Label, "run", I, Runs, Metrics, run_once(Fun)) || I <- lists:seq(1, Runs)],
    [summarise(Name, Parameters, Metric, [lists:nth(M, S) || S <- Samples])
     || {M, Metric} <- lists:zip(lists:seq(1, length(Metrics)), Metrics)].

%% Runs Fun in a fresh process, after collecting every process's garbage so that the previous run's
%% leftovers cost this one nothing.
run_once(Fun) ->
    [erlang:garbage_collect(P) || P <- erlang:processes()],
    {Pid, Ref} = spawn_monitor(fun() -> exit({result, Fun()}) end),
    receive
        {'DOWN', Ref, process, Pid, {result, Values}} -> Values;
        {'DOWN', Ref, process, Pid, Reason} -> error({run_failed, Reason})
    end.

progress(Label, Kind, I, Of, Metrics, Values) ->
    Parts = [fmt("~s ~s ~s", [Name, compact(V), Unit]) || {{Name, Unit, _}, V} <- lists:zip(Metrics, Values)],
    io:format(standard_error, "[~s] beam ~s ~b/~b: ~s~n", [Label, Kind, I, Of, lists:join(", ", Parts)]),
    Values.

summarise(Name, Parameters, {Metric, Unit, Better}, Values) ->
    Sorted = lists:sort(Values),
    N = length(Sorted),
    Median = case N rem 2 of
                 1 -> lists:nth(N div 2 + 1, Sorted);
                 0 -> (lists:nth(N div 2, Sorted) + lists:nth(N div 2 + 1, Sorted)) / 2
             end,
    #{scenario => Name, parameters => Parameters, metric => Metric, unit => Unit, better => Better,
      runs => N, median => Median, min => hd(Sorted), max => lists:last(Sorted)}.

now_ns() ->
    erlang:monotonic_time(nanosecond).

%% Kills Pids (those that already exited are fine) and returns once every one is gone.
teardown(Pids) ->
    Refs = [begin Ref = erlang:monitor(process, P), exit(P, kill), Ref end || P <- Pids],
    [receive {'DOWN', Ref, process, _, _} -> ok end || Ref <- Refs],
    ok.

%% The first action of every process whose start is measured: the one that brings the counter to
%% zero tells the measuring process.
started(Counter, Parent) ->
    case atomics:sub_get(Counter, 1, 1) of
        0 -> Parent ! all_started;
        _ -> ok
    end.

%% ---------------------------------------------------------------------------------------------
%% ping-pong

ping_pong(Pairs, RoundTrips) ->
    Self = self(),
    Spawned = [begin
                   Ponger = spawn(fun ponger/0),
                   Pinger = spawn(fun() -> receive go -> pinger(Ponger, {ping, self()}, RoundTrips, Self) end end),
                   {Pinger, Ponger}
               end || _ <- lists:seq(1, Pairs)],
    Start = now_ns(),
    [Pinger ! go || {Pinger, _} <- Spawned],
    [receive pair_done -> ok end || _ <- Spawned],
    Elapsed = now_ns() - Start,
    teardown(lists:append([[Pi, Po] || {Pi, Po} <- Spawned])),
    [2 * RoundTrips * Pairs * 1.0e9 / Elapsed].

ponger() ->
    receive
        {ping, From} ->
            From ! pong,
            ponger()
    end.

pinger(_, _, 0, Parent) ->
    Parent ! pair_done;
pinger(Ponger, Ping, N, Parent) ->
    Ponger ! Ping,
    receive
        pong -> pinger(Ponger, Ping, N - 1, Parent)
    end.

%% ---------------------------------------------------------------------------------------------
%% ring: node 0 first, waiting for its link; nodes n-1 .. 1 each knowing its successor; then node 0
%% is linked to node 1 and counts as started only then, so "all started" means the ring is closed.

ring(N, M) ->
    Self = self(),
    Counter = atomics:new(1, []),
    atomics:put(Counter, 1, N),
    CreationStart = now_ns(),
    First = spawn(fun() -> receive {link, Next} -> started(Counter, Self), ring_node(Next, Self) end end),
    {Second, Nodes} = spawn_ring(N - 1, First, Counter, Self, [First]),
    First ! {link, Second},
    receive all_started -> ok end,
    Creation = now_ns() - CreationStart,
    Hops = N * M,
    HopsStart = now_ns(),
    First ! Hops,
    receive ring_done -> ok end,
    Elapsed = now_ns() - HopsStart,
    teardown(Nodes),
    [Hops * 1.0e9 / Elapsed, Creation / 1.0e6].

spawn_ring(0, Next, _, _, Nodes) ->
    {Next, Nodes};
spawn_ring(I, Next, Counter, Parent, Nodes) ->
    Node = spawn(fun() -> started(Counter, Parent), ring_node(Next, Parent) end),
    spawn_ring(I - 1, Node, Counter, Parent, [Node | Nodes]).

ring_node(Next, Parent) ->
    receive
        0 ->
            Parent ! ring_done,
            ring_node(Next, Parent);
        Remaining ->
            Next ! Remaining - 1,
            ring_node(Next, Parent)
    end.

%% ---------------------------------------------------------------------------------------------
%% fan-in

fan_in(Senders, Messages) ->
    Self = self(),
    Total = Senders * Messages,
    Receiver = spawn(fun() -> receiver(Total, Self) end),
    Spawned = [spawn(fun() -> receive go -> send_hits(Receiver, Messages) end end)
               || _ <- lists:seq(1, Senders)],
    Start = now_ns(),
    [S ! go || S <- Spawned],
    receive fan_in_done -> ok end,
    Elapsed = now_ns() - Start,
    teardown([Receiver | Spawned]),
    [Total * 1.0e9 / Elapsed].

receiver(0, Parent) ->
    Parent ! fan_in_done;
receiver(N, Parent) ->
    receive
        hit -> receiver(N - 1, Parent)
    end.

send_hits(_, 0) ->
    ok;
send_hits(Receiver, N) ->
    Receiver ! hit,
    send_hits(Receiver, N - 1).

%% ---------------------------------------------------------------------------------------------
%% spawn

spawn_idle(Actors, Parents) ->
    Self = self(),
    Counter = atomics:new(1, []),
    atomics:put(Counter, 1, Actors),
    Before = used_after_gc(),
    Start = now_ns(),
    Spawners = [spawn(fun() -> spawner(Actors div Parents + extra(P, Actors rem Parents), Counter, Self) end)
                || P <- lists:seq(0, Parents - 1)],
    receive all_started -> ok end,
    Elapsed = now_ns() - Start,
    After = used_after_gc(),
    [S ! {stop, self()} || S <- Spawners],
    [receive {stopped, S} -> ok end || S <- Spawners],
    teardown(Spawners),
    [Elapsed / 1.0e3 / Actors, (After - Before) / Actors].

%% The first Remainder spawners take one more, so the shares add up exactly.
extra(P, Remainder) when P < Remainder -> 1;
extra(_, _) -> 0.

spawner(Count, Counter, Parent) ->
    Children = spawn_children(Count, Counter, Parent, []),
    receive
        {stop, From} ->
            teardown(Children),
            From ! {stopped, self()}
    end.

spawn_children(0, _, _, Children) ->
    Children;
spawn_children(I, Counter, Parent, Children) ->
    Child = spawn(fun() -> started(Counter, Parent), receive stop -> ok end end),
    spawn_children(I - 1, Counter, Parent, [Child | Children]).

%% Memory used by all processes after each has been garbage-collected.
used_after_gc() ->
    [erlang:garbage_collect(P) || P <- erlang:processes()],
    erlang:memory(processes_used).

%% ---------------------------------------------------------------------------------------------
%% Output: the same table columns and CSV format as the JVM side (ResultTable.java, ResultCsv.java).

table(Results) ->
    Header = ["scenario", "parameters", "metric", "unit", "beam"],
    Rows = [[S, P, M, U, cell(R)] || R = #{scenario := S, parameters := P, metric := M, unit := U} <- Results],
    Lines = [Header | Rows],
    Widths = [lists:max([string:length(lists:nth(C, L)) || L <- Lines]) || C <- lists:seq(1, length(Header))],
    [string:trim([pad(C, Cell, lists:nth(C, Widths)) || {C, Cell} <- lists:zip(lists:seq(1, length(L)), L)],
                 trailing) ++ "\n"
     || L <- Lines].

%% Text columns left-aligned, figures right-aligned, two spaces between columns.
pad(C, Cell, Width) when C =< 4 -> string:pad(Cell, Width + 2, trailing);
pad(_, Cell, Width) -> string:pad(Cell, Width, leading) ++ "  ".

cell(#{runs := 1, median := Median}) ->
    compact(Median);
cell(#{median := Median, min := Min, max := Max}) ->
    compact(Median) ++ " [" ++ compact(Min) ++ ".." ++ compact(Max) ++ "]".

%% Three or four significant figures, with k/M/G for large values (ResultTable.compact).
compact(V) when abs(V) >= 1.0e9 -> fmt("~.2fG", [V / 1.0e9]);
compact(V) when abs(V) >= 1.0e6 -> fmt("~.2fM", [V / 1.0e6]);
compact(V) when abs(V) >= 1.0e4 -> fmt("~.1fk", [V / 1.0e3]);
compact(V) when abs(V) >= 100 -> integer_to_list(round(V));
compact(V) when abs(V) >= 10 -> fmt("~.1f", [float(V)]);
compact(V) -> fmt("~.2f", [float(V)]).

write_csv(File, Results) ->
    Header = "scenario,parameters,metric,unit,better,runtime,runs,median,min,max\n",
    Lines = [fmt("~s,~s,~s,~s,~s,beam,~b,~s,~s,~s~n",
                 [S, P, M, U, B, N, number(Median), number(Min), number(Max)])
             || #{scenario := S, parameters := P, metric := M, unit := U, better := B, runs := N,
                  median := Median, min := Min, max := Max} <- Results],
    ok = filelib:ensure_dir(File),
    ok = file:write_file(File, [Header | Lines]).

number(V) ->
    float_to_list(float(V), [{decimals, 3}, compact]).

fmt(Format, Args) ->
    lists:flatten(io_lib:format(Format, Args)).
