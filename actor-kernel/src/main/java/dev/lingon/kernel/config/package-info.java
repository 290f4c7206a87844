/**
 * Domain config files in the style of Xen's {@code xl.cfg}: one file describes one domain and becomes a
 * {@link dev.lingon.kernel.api.DomainSpec}.
 *
 * <h2>Grammar</h2>
 * <pre>
 * file     = { statement }
 * statement= [ key "=" value ] [ comment ] ( newline | ";" | end of file )
 * key      = letter-or-"_" { letter | digit | "_" }
 * value    = string | integer | list
 * string   = '"' { char | escape } '"'  |  "'" { char | escape } "'"     (on one line)
 * escape   = "\\" | "\"" | "\'" | "\n" | "\t"
 * integer  = [ "-" ] digit { digit }
 * list     = "[" [ value { "," value } [ "," ] ] "]"   (may span lines and hold comments; not nested)
 * comment  = "#" to the end of the line
 * </pre>
 * Blank lines and spaces around tokens are ignored. Bare words are not values: {@code on_crash = restart}
 * is refused with a hint to write {@code "restart"}.
 *
 * <h2>Keys</h2>
 * <table>
 * <caption>Keys of a domain config</caption>
 * <tr><th>key</th><th>type</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code name}</td><td>string</td><td>required</td><td>unique domain name: 1–64 letters, digits,
 *     {@code . _ -}, starting with a letter or digit, not all digits (that would read as a domid), not
 *     {@code Domain-0}</td></tr>
 * <tr><td>{@code application}</td><td>string</td><td>required</td><td>fully qualified class name of the
 *     {@link dev.lingon.kernel.api.Application}</td></tr>
 * <tr><td>{@code vcpus}</td><td>integer</td><td>1</td><td>vCPUs, 1–32</td></tr>
 * <tr><td>{@code memory}</td><td>integer</td><td>256</td><td>MiB, at least 16</td></tr>
 * <tr><td>{@code on_poweroff}, {@code on_reboot}, {@code on_watchdog}, {@code on_crash},
 *     {@code on_soft_reset}</td><td>string</td><td>destroy, restart, destroy, destroy, soft-reset</td>
 *     <td>xl's actions: destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart,
 *     soft-reset</td></tr>
 * <tr><td>{@code restart_intensity}</td><td>string</td><td>{@code "1/5"}</td><td>{@code "R/P"}: at most R
 *     crash or watchdog restarts within P seconds, then the domain is left crashed</td></tr>
 * <tr><td>{@code backend}</td><td>string</td><td>{@code "inproc"}</td><td>{@code inproc} (dom0's JVM) or
 *     {@code process} (its own OS process)</td></tr>
 * <tr><td>{@code extra}</td><td>list of strings</td><td>empty</td><td>{@code "key=value"} pairs handed to
 *     the application</td></tr>
 * </table>
 *
 * <h2>Errors</h2>
 * Anything else is refused with a {@link dev.lingon.kernel.config.ConfigException} whose message names
 * the file, the line and what was expected, as a compiler does: {@code web.cfg:5: on_crash must be one of
 * destroy, restart, …; got "explode"}. Unknown keys, wrong types, bad values, keys set twice and missing
 * required keys are all errors; the first one found is reported.
 */
package dev.lingon.kernel.config;
