package dev.pkauth.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.MethodReference;
import org.springframework.expression.spel.ast.StringLiteral;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Says at startup which {@code @PreAuthorize} rules of the application's beans no API key can
 * ever satisfy: an API key's authorities are {@code SCOPE_<scope>} and nothing else, so
 * {@code hasAuthority('notes:read')} (no prefix), {@code hasRole('ADMIN')} or
 * {@code hasAuthority('SCOPE_notes read')} (a space: two scopes in one authority) deny every key,
 * which otherwise shows only as a 403 on every request. One WARN line per rule, naming the
 * method and the fix; a rule with any test a key can pass is left alone (it may be meant for
 * sessions as well). The expression is read as SpEL's syntax tree, not by pattern matching.
 */
final class UnsatisfiableRuleReport implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(UnsatisfiableRuleReport.class);
    private final ListableBeanFactory beans;

    UnsatisfiableRuleReport(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type;
            try {
                type = beans.getType(name, false);
            } catch (RuntimeException e) {
                continue; // a bean whose type cannot be told without making it: not ours to judge
            }
            if (type == null) continue;
            Class<?> user = ClassUtils.getUserClass(type);
            if (user.getName().startsWith("org.springframework.")) continue;
            PreAuthorize onClass = AnnotatedElementUtils.findMergedAnnotation(user, PreAuthorize.class);
            if (onClass != null) report(onClass.value(), user.getName());
            for (Method m : ReflectionUtils.getUniqueDeclaredMethods(user, ReflectionUtils.USER_DECLARED_METHODS)) {
                PreAuthorize rule = AnnotatedElementUtils.findMergedAnnotation(m, PreAuthorize.class);
                if (rule != null) report(rule.value(), user.getName() + "." + m.getName());
            }
        }
    }

    private static void report(String expression, String place) {
        List<String> problems = problems(expression);
        if (problems.isEmpty()) return;
        log.warn("pkauth: no API key can satisfy @PreAuthorize(\"{}\") on {}: {}. API keys carry SCOPE_<scope> authorities "
                + "only (ignore this if the method is meant for other authentication only)", expression, place,
                String.join("; ", problems));
    }

    /**
     * What makes {@code expression} unsatisfiable by any API key, one phrase per authority test;
     * empty when it has no authority test or any one a key can pass.
     */
    static List<String> problems(String expression) {
        SpelNode root;
        try {
            root = new SpelExpressionParser().parseRaw(expression).getAST();
        } catch (ParseException e) {
            return List.of(); // Spring reports an expression it cannot parse itself
        }
        List<String> problems = new ArrayList<>();
        boolean[] satisfiable = {false};
        visit(root, problems, satisfiable);
        return satisfiable[0] ? List.of() : problems;
    }

    private static void visit(SpelNode node, List<String> problems, boolean[] satisfiable) {
        if (node instanceof MethodReference call) {
            String method = call.getName();
            boolean authority = method.equals("hasAuthority") || method.equals("hasAnyAuthority");
            boolean role = method.equals("hasRole") || method.equals("hasAnyRole");
            if (authority || role) {
                for (int i = 0; i < node.getChildCount(); i++) {
                    String value = literal(node.getChild(i));
                    if (value == null) {
                        satisfiable[0] = true; // computed: cannot tell
                        continue;
                    }
                    String problem = role ? "API keys carry no roles (" + method + "('" + value + "'))" : problem(value);
                    if (problem == null) satisfiable[0] = true;
                    else problems.add(problem);
                }
                return;
            }
        }
        for (int i = 0; i < node.getChildCount(); i++) visit(node.getChild(i), problems, satisfiable);
    }

    private static @Nullable String literal(SpelNode node) {
        return node instanceof StringLiteral s && s.getLiteralValue().getValue() instanceof String v ? v : null;
    }

    /** Why no key holds authority {@code value}, or {@code null} when one can. */
    private static @Nullable String problem(String value) {
        String prefix = ApiKeyAuthentication.SCOPE_PREFIX;
        if (!value.startsWith(prefix)) {
            return "'" + value + "' lacks the " + prefix + " prefix (did you mean hasAuthority('" + prefix + value + "')?)";
        }
        String scope = value.substring(prefix.length());
        if (scope.isEmpty() || scope.chars().anyMatch(c -> c <= ' ' || c > 0x7e || c == '"' || c == '\\')) {
            return "'" + value + "' is not one scope (one scope per authority: hasAnyAuthority('" + prefix + "a', '"
                    + prefix + "b'))";
        }
        return null;
    }
}
