import type { MethodDeclaration } from 'typescript';
import type { EntryPoint } from '../types.js';
import { locationOf } from './analysis-context.js';
import type { AnalysisContext } from './analysis-context.js';
import { decoratorsOf, findDecorator } from './decorators.js';
import type { FoundDecorator } from './decorators.js';
import { Modules } from './library-symbols.js';
import { objectLiteralOf, propertyOf, staticString, staticStrings } from './static-values.js';
import type { TracingSettings } from './tracing-settings.js';

/** True when a parameter of the method is `@Ctx()`: `@TraceKafka()` reads the topic from it. */
function hasContextParameter(context: AnalysisContext, method: MethodDeclaration): boolean {
  return method.parameters.some(
    (parameter) => findDecorator(decoratorsOf(context, parameter), Modules.NEST_MICROSERVICES, 'Ctx') !== undefined,
  );
}

/**
 * An `@EventPattern`/`@MessagePattern` handler. It gets a CONSUMER span from `@TraceKafka()` /
 * `@TraceMessage()` (which needs the message: a `@Ctx()` parameter, or `traceMicroservice()` around
 * the server), or from `traceMicroservice()` alone. `@NoTrace()` does not stop either.
 */
export function messageHandlerEntryPoint(
  context: AnalysisContext,
  method: MethodDeclaration,
  decorators: FoundDecorator[],
  settings: TracingSettings,
): EntryPoint | undefined {
  const pattern = findDecorator(decorators, Modules.NEST_MICROSERVICES, 'EventPattern', 'MessagePattern');
  if (!pattern) return undefined;
  const argument = pattern.arguments?.[0];
  const patterns = staticStrings(context, argument);
  const traceKafka = findDecorator(decorators, Modules.KAFKA, 'TraceKafka', 'TraceMessage');
  const around = settings.traceMicroservice;
  let traced = false;
  let reason = 'no @TraceKafka and no traceMicroservice()';
  if (!settings.initialised) reason = 'tracing is not initialised';
  else if (traceKafka && (hasContextParameter(context, method) || around)) {
    traced = true;
    reason = `@${traceKafka.name}`;
  } else if (around) {
    traced = true;
    reason = `traceMicroservice() (${around.file}:${around.line})`;
  } else if (traceKafka)
    reason = `@${traceKafka.name} without a @Ctx() parameter or traceMicroservice(): the handler runs untraced`;
  const traceOptions = objectLiteralOf(context, traceKafka?.arguments?.[0]);
  const spanName = staticString(context, propertyOf(context, traceOptions, 'name'));
  return {
    kind: 'message-handler',
    name: `${pattern.name}(${patterns?.join(', ') ?? argument?.getText() ?? ''})`,
    location: locationOf(context, method),
    traced,
    reason,
    ...(patterns ? { patterns } : {}),
    ...(spanName && !spanName.includes('{topic}') ? { spanName } : {}),
  };
}
