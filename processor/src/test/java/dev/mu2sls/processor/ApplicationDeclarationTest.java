package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.assertClean;
import static dev.mu2sls.processor.TestCompilations.assertSingleError;
import static dev.mu2sls.processor.TestCompilations.compile;
import static dev.mu2sls.processor.TestCompilations.contents;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import dev.mu2sls.spi.ApplicationIdentity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** {@code @Application}: written where the platforms read a jar's name and version. */
class ApplicationDeclarationTest {
    private static final String SERVICE = """
            package test.shop;

            @dev.mu2sls.Service
            public class Shop {
                public Shop(dev.mu2sls.State state) {}

                public int ping() {
                    return 1;
                }
            }
            """;

    @Test
    void declaration_isWrittenAsTheResourceThePlatformsRead() {
        Compilation compilation = compile(SERVICE, """
                package test.shop;

                @dev.mu2sls.Application(name = "shop", version = "1.0.1")
                final class ShopApplication {}
                """);

        assertClean(compilation);
        String written = contents(compilation
                .generatedFile(StandardLocation.CLASS_OUTPUT, ApplicationIdentity.RESOURCE)
                .orElseThrow());
        assertThat(ApplicationIdentity.read(new ByteArrayInputStream(written.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(new ApplicationIdentity("shop", "1.0.1"));
    }

    @Test
    void noDeclaration_writesNoResource() {
        Compilation compilation = compile(SERVICE);

        assertClean(compilation);
        assertThat(compilation.generatedFile(StandardLocation.CLASS_OUTPUT, ApplicationIdentity.RESOURCE))
                .isEmpty();
    }

    @Test
    void invalidName_isACompileError() {
        assertSingleError(
                compile(SERVICE, """
                        package test.shop;

                        @dev.mu2sls.Application(name = "Shop 2", version = "1")
                        final class ShopApplication {}
                        """), "@Application: application name 'Shop 2' must be 1 to 40 lower-case letters");
    }

    @Test
    void twoDeclarations_areACompileError() {
        assertSingleError(compile(SERVICE, """
                        package test.shop;

                        @dev.mu2sls.Application(name = "shop", version = "1")
                        final class ShopApplication {}
                        """, """
                        package test.shop;

                        @dev.mu2sls.Application(name = "store", version = "1")
                        final class StoreApplication {}
                        """), "@Application is declared on", "a jar is one application");
    }
}
