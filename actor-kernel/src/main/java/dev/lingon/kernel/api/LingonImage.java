package dev.lingon.kernel.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The image manifest of an application: its name and the kernel services it needs. Put it on the
 * {@link Application} class; without it an image is named after the class and gets every service.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface LingonImage {
    String name() default "";

    KernelService[] services() default {KernelService.CONSOLE, KernelService.STORE, KernelService.CONTROL, KernelService.VCHAN};
}
