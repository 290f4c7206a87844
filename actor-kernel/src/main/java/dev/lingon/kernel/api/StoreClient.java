package dev.lingon.kernel.api;

import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XsPermission;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The store device: an asynchronous XenStore client for a domain's actors. Requests are carried out
 * by the device actor on the kernel lane, in the order they were made; results are Xen's
 * ({@link Result} with an errno). Watch events arrive as messages to the subscriber given to
 * {@link #watch}. Paths may be relative to the domain's home. Thread-safe.
 */
public interface StoreClient {

    CompletionStage<Result<String>> read(String path);

    CompletionStage<Result<Void>> write(String path, String value);

    CompletionStage<Result<Void>> mkdir(String path);

    CompletionStage<Result<Void>> rm(String path);

    CompletionStage<Result<List<String>>> directory(String path);

    CompletionStage<Result<List<XsPermission>>> getPermissions(String path);

    CompletionStage<Result<Void>> setPermissions(String path, List<XsPermission> perms);

    /** Registers a watch whose events (the first one at once) are told to {@code subscriber}. */
    CompletionStage<Result<Void>> watch(String path, String token, ActorRef<WatchEvent> subscriber);

    CompletionStage<Result<Void>> unwatch(String path, String token);

    /**
     * Runs {@code body} in a XenStore transaction and commits it, starting over when the commit
     * answers EAGAIN (at most {@code maxAttempts} times).
     */
    <T> CompletionStage<Result<T>> transaction(TransactionBody<T> body, int maxAttempts);

    /** The work of one attempt of a transaction; runs on the store device, must not block. */
    @FunctionalInterface
    interface TransactionBody<T> {
        Result<T> run(Transaction tx);
    }

    /** Synchronous operations inside one transaction attempt. */
    interface Transaction {
        Result<String> read(String path);

        Result<Void> write(String path, String value);

        Result<Void> mkdir(String path);

        Result<Void> rm(String path);

        Result<List<String>> directory(String path);

        Result<Void> setPermissions(String path, List<XsPermission> perms);
    }
}
