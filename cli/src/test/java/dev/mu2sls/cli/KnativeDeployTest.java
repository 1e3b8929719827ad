package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mu2sls.platform.local.Apps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mu2sls deploy knative}: the manifests parse as YAML and carry what Knative and the runtime need. */
class KnativeDeployTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path out;

    private static int run(List<String> lines, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setOut(original);
            lines.addAll(captured.toString(StandardCharsets.UTF_8).lines().toList());
        }
    }

    /** The Knative Services written to {@code out}, by name. */
    private Map<String, JsonNode> knativeServices() throws IOException {
        Map<String, JsonNode> services = new TreeMap<>();
        try (var files = Files.list(out)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                JsonNode manifest = YAML.readTree(file.toFile());
                if (manifest.path("kind").asText().equals("Service")) {
                    services.put(manifest.at("/metadata/name").asText(), manifest);
                }
            }
        }
        return services;
    }

    @Test
    void travel_oneKnativeServicePerServiceAndGateway_withImageStoreProbesAndConcurrency() throws Exception {
        List<String> lines = new ArrayList<>();
        int code = run(
                lines,
                "deploy",
                "knative",
                "travel",
                "--out",
                out.toString(),
                "--no-images",
                "--namespace",
                "shop",
                "--image-prefix",
                "registry.example.com/mu2sls",
                "--container-concurrency",
                "16");
        assertThat(code).as(String.join("\n", lines)).isZero();
        Map<String, JsonNode> services = knativeServices();
        assertThat(services)
                .containsOnlyKeys("travel-frontend", "travel-hotel", "travel-flight", "travel-order", "travel-gateway");
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            JsonNode manifest = entry.getValue();
            assertThat(manifest.path("apiVersion").asText()).isEqualTo("serving.knative.dev/v1");
            assertThat(manifest.at("/metadata/namespace").asText()).isEqualTo("shop");
            JsonNode spec = manifest.at("/spec/template/spec");
            assertThat(spec.path("containerConcurrency").asInt()).isEqualTo(16);
            JsonNode container = spec.path("containers").get(0);
            assertThat(container.path("image").asText())
                    .isEqualTo("registry.example.com/mu2sls/" + entry.getKey() + ":0.1.0");
            assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/livez");
            assertThat(manifest.at("/spec/template/metadata/annotations/prometheus.io~1path")
                            .asText())
                    .isEqualTo("/metrics");
            Map<String, JsonNode> env = new TreeMap<>();
            container
                    .path("env")
                    .forEach(variable -> env.put(variable.path("name").asText(), variable));
            assertThat(env)
                    .containsKeys(
                            "MU2SLS_STORE_URL",
                            "MU2SLS_STORE_USER",
                            "MU2SLS_STORE_PASSWORD",
                            "MU2SLS_SECRET",
                            "MU2SLS_ROUTES");
            assertThat(env.get("MU2SLS_HOST").path("value").asText())
                    .as("a pod listens on its network")
                    .isEqualTo("0.0.0.0");
            assertThat(env.get("MU2SLS_STORE_URL")
                            .at("/valueFrom/secretKeyRef/name")
                            .asText())
                    .isEqualTo("mu2sls-travel");
            assertThat(env.get("MU2SLS_STORE_URL")
                            .at("/valueFrom/secretKeyRef/key")
                            .asText())
                    .isEqualTo("store-url");
            assertThat(env.get("MU2SLS_SECRET")
                            .at("/valueFrom/secretKeyRef/key")
                            .asText())
                    .isEqualTo("hmac-secret");
            assertThat(env.get("MU2SLS_ROUTES").path("value").asText())
                    .contains("Hotel=http://travel-hotel.shop.svc.cluster.local")
                    .contains("Frontend=http://travel-frontend.shop.svc.cluster.local");
            assertThat(manifest.at("/spec/template/metadata/annotations/autoscaling.knative.dev~1max-scale")
                            .asText())
                    .isEqualTo("10");
            boolean gateway = entry.getKey().equals("travel-gateway");
            assertThat(manifest.at("/metadata/labels/networking.knative.dev~1visibility")
                            .asText())
                    .isEqualTo(gateway ? "" : "cluster-local");
        }
        JsonNode secret = YAML.readTree(out.resolve("secret.yaml").toFile());
        assertThat(secret.path("kind").asText()).isEqualTo("Secret");
        assertThat(secret.at("/stringData/hmac-secret").asText()).hasSize(64);
        assertThat(secret.at("/stringData/store-url").asText()).startsWith("jdbc:postgresql://");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("secret.yaml"))))
                .as("issue 19 item 6: the HMAC key is readable by its owner only")
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("travel-gateway.yaml"))))
                .isNotEqualTo("rw-------");
    }

    @Test
    void travelCoLocated_oneFunctionServiceRunsEveryService_routedByPath() throws Exception {
        List<String> lines = new ArrayList<>();
        int code = run(lines, "deploy", "knative", "travel", "--out", out.toString(), "--no-images", "--colocate");
        assertThat(code).as(String.join("\n", lines)).isZero();
        Map<String, JsonNode> services = knativeServices();
        assertThat(services).containsOnlyKeys("travel-functions", "travel-gateway");
        JsonNode functions = services.get("travel-functions");
        assertThat(functions
                        .at("/metadata/labels/networking.knative.dev~1visibility")
                        .asText())
                .isEqualTo("cluster-local");
        String routes = functions.at("/spec/template/spec/containers/0/env").findValues("value").stream()
                .map(JsonNode::asText)
                .filter(v -> v.contains("svc.cluster.local"))
                .findFirst()
                .orElseThrow();
        assertThat(routes.split(","))
                .containsExactlyInAnyOrder(
                        "Frontend=http://travel-functions.default.svc.cluster.local/Frontend",
                        "Hotel=http://travel-functions.default.svc.cluster.local/Hotel",
                        "Flight=http://travel-functions.default.svc.cluster.local/Flight",
                        "Order=http://travel-functions.default.svc.cluster.local/Order");
        KnativeManifests.Settings settings =
                new KnativeManifests.Settings("default", "mu2sls", "0.1.0", 32, 0, 10, "travel", true);
        List<KnativeManifests.Function> deployed = KnativeManifests.functions(Apps.resolve("travel"), settings);
        assertThat(KnativeManifests.command(Apps.resolve("travel"), deployed.getFirst(), settings)
                        .subList(6, 11))
                .as("the image's entry point")
                .containsExactly("function", "--app", "travel", "--service", "Frontend,Hotel,Flight,Order");
    }

    @Test
    void images_withoutABaseImage_manifestsWrittenAndTheCommandSaysImagesAreNotBuilt() {
        List<String> lines = new ArrayList<>();
        int code = run(
                lines,
                "deploy",
                "knative",
                "counter",
                "--out",
                out.toString(),
                "--base-image",
                "tar:/nonexistent/base.tar");
        assertThat(code).isEqualTo(3);
        assertThat(lines).anyMatch(line -> line.startsWith("images: NOT BUILT"));
        assertThat(out.resolve("counter-counter.yaml")).exists();
    }

    @Test
    void unknownApp_namesTheExamples() {
        List<String> lines = new ArrayList<>();
        assertThat(run(lines, "deploy", "knative", "nope", "--out", out.toString(), "--no-images"))
                .isNotZero();
    }
}
