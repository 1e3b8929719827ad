package dev.mu2sls.cli;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.mu2sls.platform.local.Apps;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mu2sls deploy knative <app>}: writes the application's Knative manifests
 * ({@link KnativeManifests}) and builds one OCI image per function (each service, or with
 * {@code --colocate} one running them all) and one for the gateway with
 * Jib (as a library: no Docker daemon), each as a tarball ({@code docker load}, {@code skopeo},
 * {@code crane push} take it). Building needs the base image: from a registry, or from a tarball
 * ({@code --base-image tar:/path}, e.g. saved with {@code docker save}). When it cannot be had, the
 * manifests are still written and the command says so and exits with 3.
 */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description =
                "Write Knative Service manifests for an application and build its images with Jib into OCI tarballs.")
final class DeployCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "platform: knative")
    String platform;

    @Parameters(index = "1", description = "example name or application jar")
    String app;

    @Option(names = "--out", description = "output directory (default: deploy/knative/<app>)")
    Path out;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            description = "Kubernetes namespace (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(
            names = "--image-prefix",
            defaultValue = "mu2sls",
            description = "registry/repository prefix of the images (default: ${DEFAULT-VALUE})")
    String imagePrefix;

    @Option(names = "--tag", defaultValue = "0.1.0", description = "image tag (default: ${DEFAULT-VALUE})")
    String tag;

    @Option(
            names = "--container-concurrency",
            defaultValue = "32",
            description = "requests one instance handles at once (default: ${DEFAULT-VALUE})")
    int containerConcurrency;

    @Option(
            names = "--min-scale",
            defaultValue = "0",
            description = "function instances kept when idle; 0 scales to zero (default: ${DEFAULT-VALUE})")
    int minScale;

    @Option(
            names = "--max-scale",
            defaultValue = "10",
            description = "instances per service at most (default: ${DEFAULT-VALUE})")
    int maxScale;

    @Option(
            names = "--base-image",
            defaultValue = "eclipse-temurin:25-jre",
            description =
                    "base image with a Java 25 runtime: a registry reference, or tar:/path/to/image.tar (default: ${DEFAULT-VALUE})")
    String baseImage;

    @Option(names = "--no-images", description = "write the manifests only")
    boolean noImages;

    @Option(
            names = "--colocate",
            description = "one Knative Service runs every service of the application, so calls between them stay "
                    + "in the pod (default: one Knative Service per service)")
    boolean colocate;

    @Override
    public Integer call() throws Exception {
        if (!platform.equals("knative")) {
            throw new IllegalArgumentException(
                    "unknown platform '" + platform + "': only knative has manifests (AWS Lambda: use the "
                            + "handler dev.mu2sls.lambda.LambdaFunction from mu2sls-runtime-lambda)");
        }
        Apps.App application = Apps.resolve(app);
        boolean userJar = app.endsWith(".jar");
        KnativeManifests.Settings settings = new KnativeManifests.Settings(
                namespace,
                imagePrefix,
                tag,
                containerConcurrency,
                minScale,
                maxScale,
                userJar ? "/app/application.jar" : application.name(),
                colocate);
        Path directory = out != null ? out : Path.of("deploy", "knative", application.name());
        Files.createDirectories(directory);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        for (Map.Entry<String, String> file : KnativeManifests.render(
                        application, settings, HexFormat.of().formatHex(secret))
                .entrySet()) {
            if (file.getKey().equals(KnativeManifests.SECRET_FILE)) {
                writePrivate(directory.resolve(file.getKey()), file.getValue());
            } else {
                Files.writeString(directory.resolve(file.getKey()), file.getValue());
            }
            System.out.println("wrote " + directory.resolve(file.getKey()));
        }
        System.out.println("apply with: kubectl apply -f " + directory
                + "  (edit secret.yaml first: store-url, store-user, store-password)");
        if (noImages) {
            return 0;
        }
        Path jar = ownJar();
        if (jar == null) {
            System.out.println(
                    "images: NOT BUILT - this command runs from classes, not from the mu2sls.jar that goes into the "
                            + "images; run it through ./mu2sls (cli/target/mu2sls.jar)");
            return 3;
        }
        List<KnativeManifests.Function> functions = new ArrayList<>(KnativeManifests.functions(application, settings));
        functions.add(null); // the gateway
        for (KnativeManifests.Function function : functions) {
            String name = function == null ? null : function.name();
            Path tarball = directory.resolve(KnativeManifests.serviceName(application, name) + ".oci.tar");
            try {
                build(application, function, settings, jar, userJar ? Path.of(app) : null, tarball);
                System.out.println(
                        "built " + tarball + " (" + KnativeManifests.image(application, name, settings) + ")");
            } catch (Exception e) {
                System.out.println(
                        "images: NOT BUILT - the base image " + baseImage + " could not be read: " + rootCause(e));
                System.out.println(
                        "  This machine reaches no container registry (only Maven Central), so no image can be built here.");
                System.out.println(
                        "  The manifests above are complete; build the images where a registry is reachable, or give a");
                System.out.println("  saved base image: ./mu2sls deploy knative " + app
                        + " --base-image tar:/path/to/temurin-25-jre.tar");
                return 3;
            }
        }
        return 0;
    }

    private void build(
            Apps.App application,
            KnativeManifests.Function function,
            KnativeManifests.Settings settings,
            Path jar,
            Path userJar,
            Path tarball)
            throws Exception {
        System.setProperty("jib.httpTimeout", "10000");
        JibContainerBuilder builder = baseImage.startsWith("tar:")
                ? Jib.from(TarImage.at(Path.of(baseImage.substring(4))))
                : Jib.from(RegistryImage.named(ImageReference.parse(baseImage)));
        builder.addLayer(List.of(jar.toAbsolutePath()), AbsoluteUnixPath.get("/app"));
        if (userJar != null) {
            Path renamed = Files.createTempDirectory("mu2sls-image").resolve("application.jar");
            Files.copy(userJar, renamed);
            builder.addLayer(List.of(renamed), AbsoluteUnixPath.get("/app"));
        }
        List<String> command = KnativeManifests.command(application, function, settings);
        String name = function == null ? null : function.name();
        builder.setEntrypoint(command.getFirst())
                .setProgramArguments(command.subList(1, command.size()))
                .setExposedPorts(Set.of(Port.tcp(8080)))
                .addEnvironmentVariable("PORT", "8080")
                .setFormat(ImageFormat.OCI)
                .addLabel("org.opencontainers.image.title", KnativeManifests.serviceName(application, name));
        builder.containerize(
                Containerizer.to(TarImage.at(tarball).named(KnativeManifests.image(application, name, settings))));
    }

    /** The jar this command runs from, or null when run from class directories. */
    private static Path ownJar() throws URISyntaxException {
        Path location = Path.of(
                Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return location.toString().endsWith(".jar") && Files.isRegularFile(location) ? location : null;
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /**
     * Writes a file only its owner can read or write (0600), created so from the start: the
     * secret is never in a file others can open, not even for an instant.
     */
    static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }
}
