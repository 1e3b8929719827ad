package dev.mu2sls.cli;

import dev.mu2sls.platform.local.Apps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Knative Serving manifests for an application: one {@code serving.knative.dev/v1} Service per
 * service of the application (or, co-located, one {@code <app>-functions} Service running them
 * all, whose calls between services stay in the pod) and one for its gateway, all running the
 * same image contents with different arguments, plus the Secret they read (store URL and
 * credentials, call-signing secret). Plain text, every string value double-quoted (valid YAML).
 */
final class KnativeManifests {
    /**
     * @param namespace Kubernetes namespace
     * @param imagePrefix registry and repository prefix, e.g. {@code registry.example.com/mu2sls}
     * @param tag image tag
     * @param containerConcurrency requests one instance handles at once (Knative's hard limit)
     * @param minScale instances kept when idle (0: scale to zero)
     * @param maxScale instances at most
     * @param appArgument the {@code --app} argument inside the image (example name, or the jar's path there)
     * @param colocate whether one Knative Service runs every service of the application
     */
    record Settings(
            String namespace,
            String imagePrefix,
            String tag,
            int containerConcurrency,
            int minScale,
            int maxScale,
            String appArgument,
            boolean colocate) {}

    /**
     * What one Knative Service runs: one service, or every service co-located.
     *
     * @param name its part of the Knative Service's name: the service's, or {@value #COLOCATED}
     */
    record Function(String name, List<String> services) {
        boolean colocated() {
            return services.size() > 1;
        }
    }

    /** The name part of the Knative Service that co-locates every service. */
    static final String COLOCATED = "functions";

    private KnativeManifests() {}

    /** The functions the application deploys as: one per service, or one co-locating them all. */
    static List<Function> functions(Apps.App app, Settings settings) {
        if (settings.colocate() && app.serviceNames().size() > 1) {
            return List.of(new Function(COLOCATED, app.serviceNames()));
        }
        return app.serviceNames().stream()
                .map(service -> new Function(service, List.of(service)))
                .toList();
    }

    /** The Knative Service name of function {@code service} of {@code app} (null: the gateway): a DNS-1035 label. */
    static String serviceName(Apps.App app, String service) {
        String name = (app.name() + "-" + (service == null ? "gateway" : service))
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-");
        if (!Character.isLetter(name.charAt(0))) {
            name = "a" + name;
        }
        return name.length() > 63 ? name.substring(0, 63).replaceAll("-+$", "") : name;
    }

    static String image(Apps.App app, String service, Settings settings) {
        return settings.imagePrefix() + "/" + serviceName(app, service) + ":" + settings.tag();
    }

    /** The manifest holding the application's secrets, written readable by its owner only. */
    static final String SECRET_FILE = "secret.yaml";

    static String secretName(Apps.App app) {
        return "mu2sls-" + app.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    /**
     * The URL of every service inside the cluster, as {@code MU2SLS_ROUTES} expects: a co-located
     * service's carries its path ({@code http://<app>-functions.<namespace>.svc.cluster.local/Hotel}).
     */
    static String routes(Apps.App app, Settings settings) {
        List<String> routes = new ArrayList<>();
        for (Function function : functions(app, settings)) {
            for (String service : function.services()) {
                routes.add(service + "=http://" + serviceName(app, function.name()) + "." + settings.namespace()
                        + ".svc.cluster.local" + (function.colocated() ? "/" + service : ""));
            }
        }
        return String.join(",", routes);
    }

    /** The container command of {@code function} (null: the gateway). */
    static List<String> command(Apps.App app, Function function, Settings settings) {
        List<String> command = new ArrayList<>(List.of(
                "java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-cp", "/app/mu2sls.jar", Main.class.getName()));
        if (function == null) {
            command.addAll(List.of("gateway", "--app", settings.appArgument()));
        } else {
            command.addAll(List.of(
                    "function", "--app", settings.appArgument(), "--service", String.join(",", function.services())));
        }
        return command;
    }

    /** File name to contents: {@code <function>.yaml} per function, {@code gateway.yaml}, {@code secret.yaml}. */
    static Map<String, String> render(Apps.App app, Settings settings, String generatedSecret) {
        Map<String, String> files = new LinkedHashMap<>();
        for (Function function : functions(app, settings)) {
            files.put(serviceName(app, function.name()) + ".yaml", service(app, function, settings));
        }
        files.put(serviceName(app, null) + ".yaml", service(app, null, settings));
        files.put(SECRET_FILE, secret(app, settings, generatedSecret));
        return files;
    }

    private static String service(Apps.App app, Function function, Settings settings) {
        String service = function == null ? null : function.name();
        StringBuilder y = new StringBuilder();
        y.append("# Generated by ./mu2sls deploy knative ")
                .append(app.name())
                .append(": ")
                .append(
                        function == null
                                ? "the gateway (clients' door: POST /call/<Service>/<method>)"
                                : function.colocated()
                                        ? "services " + String.join(", ", function.services())
                                                + " co-located as one HTTP function"
                                        : "service " + service + " as an HTTP function")
                .append(".\n");
        y.append("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n");
        y.append("  name: ").append(q(serviceName(app, service))).append('\n');
        y.append("  namespace: ").append(q(settings.namespace())).append('\n');
        y.append("  labels:\n    app.kubernetes.io/part-of: ")
                .append(q("mu2sls-" + app.name()))
                .append('\n');
        y.append("    mu2sls.dev/role: ")
                .append(q(service == null ? "gateway" : "function"))
                .append('\n');
        if (service != null) {
            // functions are reached only by the gateway and each other, never from outside the cluster
            y.append("    networking.knative.dev/visibility: \"cluster-local\"\n");
            if (!function.colocated()) {
                y.append("    mu2sls.dev/service: ").append(q(service)).append('\n');
            }
        }
        y.append("spec:\n  template:\n    metadata:\n      annotations:\n");
        y.append("        autoscaling.knative.dev/metric: \"concurrency\"\n");
        y.append("        autoscaling.knative.dev/target: ")
                .append(q(Integer.toString(Math.max(1, settings.containerConcurrency() * 7 / 10))))
                .append('\n');
        y.append("        autoscaling.knative.dev/min-scale: ")
                .append(q(Integer.toString(service == null ? Math.max(1, settings.minScale()) : settings.minScale())))
                .append('\n');
        y.append("        autoscaling.knative.dev/max-scale: ")
                .append(q(Integer.toString(settings.maxScale())))
                .append('\n');
        // the Prometheus convention: scrape GET /metrics on the container's port
        y.append(
                "        prometheus.io/scrape: \"true\"\n        prometheus.io/port: \"8080\"\n        prometheus.io/path: \"/metrics\"\n");
        y.append("    spec:\n");
        y.append("      containerConcurrency: ")
                .append(settings.containerConcurrency())
                .append('\n');
        y.append("      timeoutSeconds: 300\n");
        y.append("      containers:\n");
        y.append("        - name: ")
                .append(q(service == null ? "gateway" : "function"))
                .append('\n');
        y.append("          image: ").append(q(image(app, service, settings))).append('\n');
        y.append("          ports:\n            - containerPort: 8080\n");
        y.append("          env:\n");
        secretEnv(y, "MU2SLS_STORE_URL", secretName(app), "store-url");
        secretEnv(y, "MU2SLS_STORE_USER", secretName(app), "store-user");
        secretEnv(y, "MU2SLS_STORE_PASSWORD", secretName(app), "store-password");
        secretEnv(y, "MU2SLS_SECRET", secretName(app), "hmac-secret");
        y.append(
                "            - name: \"MU2SLS_HOST\"\n              value: \"0.0.0.0\"\n"); // the pod's network, behind
        // Knative's
        y.append("            - name: \"MU2SLS_ROUTES\"\n              value: ")
                .append(q(routes(app, settings)))
                .append('\n');
        // ready until SIGTERM (then 503 while requests in flight finish); alive while it serves at all
        y.append(
                "          readinessProbe:\n            httpGet:\n              path: \"/readyz\"\n            periodSeconds: 2\n            failureThreshold: 3\n");
        y.append(
                "          livenessProbe:\n            httpGet:\n              path: \"/livez\"\n            initialDelaySeconds: 20\n            periodSeconds: 10\n");
        y.append(
                "          resources:\n            requests:\n              cpu: \"250m\"\n              memory: \"256Mi\"\n            limits:\n              memory: \"512Mi\"\n");
        return y.toString();
    }

    private static void secretEnv(StringBuilder y, String name, String secret, String key) {
        y.append("            - name: ").append(q(name)).append('\n');
        y.append("              valueFrom:\n                secretKeyRef:\n                  name: ")
                .append(q(secret))
                .append('\n');
        y.append("                  key: ").append(q(key)).append('\n');
    }

    private static String secret(Apps.App app, Settings settings, String generatedSecret) {
        return "# Generated by ./mu2sls deploy knative " + app.name()
                + ": what every process of the application reads.\n"
                + "# Set store-url to a PostgreSQL-compatible database (PostgreSQL, CockroachDB, YugabyteDB) before applying.\n"
                + "# hmac-secret signs calls between the application's processes; keep this file private.\n"
                + "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + q(secretName(app)) + "\n  namespace: "
                + q(settings.namespace()) + "\n"
                + "type: Opaque\nstringData:\n"
                + "  store-url: \"jdbc:postgresql://postgres." + settings.namespace()
                + ".svc.cluster.local:5432/postgres\"\n"
                + "  store-user: \"postgres\"\n  store-password: \"change-me\"\n"
                + "  hmac-secret: " + q(generatedSecret) + "\n";
    }

    /** A double-quoted YAML scalar. */
    private static String q(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
