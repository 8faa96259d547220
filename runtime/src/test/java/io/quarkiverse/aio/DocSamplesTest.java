package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

/** The Java samples of README.md and the guide's getting started compile as written, against this build's API. */
class DocSamplesTest {

    static final String IMPORTS = """
            import jakarta.inject.Inject;
            import java.io.IOException;
            import java.lang.foreign.MemorySegment;
            import java.lang.foreign.ValueLayout;
            import java.nio.file.Path;
            import java.nio.file.StandardOpenOption;
            import java.util.concurrent.CompletionStage;
            import java.util.concurrent.TimeUnit;
            import io.quarkiverse.aio.*;
            """;

    /** The first Java block after {@code heading} that declares a method (AsciiDoc or Markdown). */
    static String sample(Path document, String heading) throws Exception {
        String text = Files.readString(document);
        int from = text.indexOf(heading);
        assertTrue(from >= 0, heading + " in " + document);
        Matcher block = Pattern.compile("(?s)(?:\\[source,java\\]\\n----\\n|```java\\n)(.*?)(?:\\n----\\n|\\n```\\n)")
                .matcher(text);
        while (block.find(from)) {
            if (block.group(1).contains("(") && block.group(1).contains("{")) {
                return block.group(1);
            }
            from = block.end();
        }
        throw new AssertionError("no Java method sample after " + heading + " in " + document);
    }

    static void compiles(String name, String body) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String source = IMPORTS + "class " + name + " {\n" + body + "\n}\n";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringWriter errors = new StringWriter();
        Path out = TestFiles.directory(DocSamplesTest.class);
        boolean ok = compiler.getTask(errors, null, null, List.of("-proc:none", "-d", out.toString(), "-classpath",
                System.getProperty("java.class.path")), null, List.of(file)).call();
        assertTrue(ok, name + " does not compile:\n" + errors + "\n" + source);
    }

    @Test
    void gettingStartedCompiles() throws Exception {
        compiles("GettingStarted", sample(Path.of("../docs/modules/ROOT/pages/index.adoc"), "== Getting started"));
    }

    @Test
    void readmeUseCompiles() throws Exception {
        compiles("ReadmeUse", sample(Path.of("../README.md"), "## Use"));
    }
}
