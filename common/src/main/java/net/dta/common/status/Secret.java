package net.dta.common.status;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonView;

/**
 * Marks a status field that lets whoever reads it write into a collector or disturb a queue pair:
 * rkeys, region addresses, QPNs, PSNs (docs/security.md, "What status shows"). {@link StatusJson}
 * leaves such fields out of the document an endpoint without client authentication serves.
 * Place it on record components (it reaches the accessor Jackson serialises).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.FIELD})
@JacksonAnnotationsInside
@JsonView(StatusJson.Authenticated.class)
public @interface Secret {
}
