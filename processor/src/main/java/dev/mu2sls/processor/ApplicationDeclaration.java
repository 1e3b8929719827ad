package dev.mu2sls.processor;

import dev.mu2sls.Application;
import dev.mu2sls.spi.ApplicationIdentity;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import javax.annotation.processing.Filer;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The compilation's {@code @Application}: at most one, validated, written to {@link
 * ApplicationIdentity#RESOURCE} once processing is over.
 */
final class ApplicationDeclaration {
    private final Elements elements;
    private final Filer filer;
    private final Diagnostics diagnostics;
    private Element declaredOn;
    private ApplicationIdentity identity;

    ApplicationDeclaration(Elements elements, Filer filer, Diagnostics diagnostics) {
        this.elements = elements;
        this.filer = filer;
        this.diagnostics = diagnostics;
    }

    void collect(RoundEnvironment round) {
        TypeElement annotation = elements.getTypeElement(Names.APPLICATION);
        if (annotation == null) {
            return;
        }
        for (Element element : round.getElementsAnnotatedWith(annotation)) {
            if (declaredOn != null) {
                diagnostics.error(
                        element,
                        "@Application is declared on " + declaredOn + " already; a jar is one application: "
                                + "declare it once");
                continue;
            }
            declaredOn = element;
            Application declared = element.getAnnotation(Application.class);
            try {
                identity = new ApplicationIdentity(declared.name(), declared.version());
            } catch (IllegalArgumentException e) {
                diagnostics.error(element, "@Application: " + e.getMessage());
            }
        }
    }

    void write() {
        if (identity == null) {
            return;
        }
        try {
            FileObject file =
                    filer.createResource(StandardLocation.CLASS_OUTPUT, "", ApplicationIdentity.RESOURCE, declaredOn);
            try (Writer writer = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
                identity.write(writer);
            }
        } catch (IOException e) {
            diagnostics.error("mu2sls could not write " + ApplicationIdentity.RESOURCE + ": " + e);
        }
        identity = null;
    }
}
