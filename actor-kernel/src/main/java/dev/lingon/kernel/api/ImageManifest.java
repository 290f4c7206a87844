package dev.lingon.kernel.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a domain boots: the application and the kernel services it needs (a unikernel carries only the
 * drivers its application uses). Read from the application's {@link LingonImage} annotation.
 */
public record ImageManifest(String name, Class<? extends Application> application, Set<KernelService> services) {

    public ImageManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(application, "application");
        services = Set.copyOf(services);
    }

    public static ImageManifest of(Class<? extends Application> application) {
        LingonImage img = application.getAnnotation(LingonImage.class);
        if (img == null) {
            return new ImageManifest(application.getSimpleName(), application, EnumSet.allOf(KernelService.class));
        }
        Set<KernelService> s = EnumSet.noneOf(KernelService.class);
        s.addAll(java.util.List.of(img.services()));
        return new ImageManifest(img.name().isEmpty() ? application.getSimpleName() : img.name(), application, s);
    }

    /** Loads and inspects the application class named in a domain config. */
    public static ImageManifest forClassName(String className, ClassLoader loader) {
        Class<?> c;
        try {
            c = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("application class " + className + " is not on the class path", e);
        }
        if (!Application.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(className + " does not implement " + Application.class.getName());
        }
        return of(c.asSubclass(Application.class));
    }

    public boolean has(KernelService s) {
        return services.contains(s);
    }
}
