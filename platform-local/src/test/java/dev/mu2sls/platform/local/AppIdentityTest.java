package dev.mu2sls.platform.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.spi.ApplicationIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar's application name and version come from its declaration, not its file name. */
class AppIdentityTest {
    @TempDir
    Path directory;

    @Test
    void declaredJar_keepsItsNameAndTableAcrossReleases() throws IOException {
        Apps.App first = identify(jar("shop-1.0.0.jar", "name=shop\nversion=1.0.0\n"));
        Apps.App next = identify(jar("shop-1.0.1.jar", "name=shop\nversion=1.0.1\n"));

        assertThat(first.name()).isEqualTo("shop");
        assertThat(next.name()).isEqualTo("shop");
        assertThat(next.version()).isEqualTo("1.0.1");
        assertThat(PlatformStore.table(next.name())).isEqualTo(PlatformStore.table(first.name()));
    }

    /** Deployed before declarations existed: the same name, so the same table, as then. */
    @Test
    void undeclaredJar_isNamedAfterItsFileAsBefore() throws IOException {
        Apps.App app = identify(jar("shop-1.0.1.jar", null));

        assertThat(app.name()).isEqualTo("shop-1-0-1");
        assertThat(app.version()).isEqualTo(Apps.App.UNDECLARED);
    }

    @Test
    void invalidDeclaration_isRefused_namingTheJar() throws IOException {
        Path jar = jar("shop.jar", "name=../etc\nversion=1\n");

        assertThatThrownBy(() -> identify(jar))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(jar + ": " + ApplicationIdentity.RESOURCE
                        + ": application name '../etc' must be 1 to 40 lower-case letters, digits and dashes, "
                        + "starting with a letter");
        assertThatThrownBy(() -> identify(jar("nameless.jar", "version=1\n")))
                .hasMessageContaining("application name 'null'");
    }

    private Apps.App identify(Path jar) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            return Apps.identify(jar, loader, List.of());
        }
    }

    /** A jar holding {@code declaration} as its application resource, or nothing when null. */
    private Path jar(String fileName, String declaration) throws IOException {
        Path jar = directory.resolve(fileName);
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(declaration == null ? "README" : ApplicationIdentity.RESOURCE));
            out.write((declaration == null ? "no declaration" : declaration).getBytes(UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
