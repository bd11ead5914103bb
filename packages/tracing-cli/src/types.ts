/**
 * The seed's tiers: 1 full active tracing (initialised, with business spans), 2 infrastructure only
 * (initialised, no business spans), 3 no tracing (not initialised).
 */
export type Tier = 1 | 2 | 3;

/** What an entry point is. */
export type EntryPointKind =
  /** A controller's `@Get`/`@Post`/... handler: a SERVER span from `TracingModule`. */
  | 'http-route'
  /** An `@EventPattern`/`@MessagePattern` handler: a CONSUMER span. */
  | 'message-handler'
  /** A kafkajs `consumer.run({ eachMessage | eachBatch })`: a CONSUMER span. */
  | 'kafka-consumer'
  /** A `@Traced()` method (or a method of a `@Traced()` class): a business span. */
  | 'traced-method'
  /** A `traceOperation()` or `TraceService.traceOperation()` call: a business span. */
  | 'trace-operation'
  /** A TypeORM data source (`TypeOrmModule.forRoot*`, `new DataSource`): statement spans. */
  | 'data-source'
  /** An `@Injectable()` provider with public methods: traced when one of them makes a business span. */
  | 'provider';

/** Where in the code: a path relative to the analysed root, 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** Whether spans were seen for an entry point in the spans file of a test run. */
export interface RuntimeCoverage {
  covered: boolean;
  /** How many spans of the file matched it. */
  spans: number;
}

/** One entry point of a service and whether it is traced. */
export interface EntryPoint {
  kind: EntryPointKind;
  /** `POST /essays`, `essay.uploaded`, `SpellcheckService.checkEssay`, `cj.assessment.run`. */
  name: string;
  location: SourceLocation;
  traced: boolean;
  /** Why it is (`@TraceKafka`, `TracingModule SERVER span`) or is not (`@NoTrace on the method`) traced. */
  reason: string;
  /** For HTTP routes: the method (upper case, `ALL` for `@All`) and the route template. */
  http?: { method: string; route: string };
  /** For message handlers and kafkajs consumers: the patterns or topics, when statically known. */
  patterns?: string[];
  /** The span name, when statically known. */
  spanName?: string;
  /** For `@Traced` methods: `Class.method`, the span's `code.function.name`. */
  codeFunction?: string;
  /** Present when a spans file was given. */
  runtime?: RuntimeCoverage;
}

/** How tracing is started in a service. */
export interface Initialisation {
  /** `startTracing()` calls. */
  startTracing: SourceLocation[];
  /** `TracingModule.forRoot()` / `forRootAsync()` calls. */
  tracingModule: SourceLocation[];
}

/** The coverage of one service. */
export interface ServiceCoverage {
  /** The service's folder name (the table's first column). */
  name: string;
  /** Its folder, relative to the current directory. */
  directory: string;
  /** `serviceName` given to `startTracing`/`TracingModule`, when statically known. */
  serviceName?: string;
  tier: Tier;
  /** The tier in words: `full active tracing`, `infrastructure only`, `no tracing`. */
  tierLabel: string;
  initialisation: Initialisation;
  /** One line: what is traced (the table's third column). */
  summary: string;
  entryPoints: EntryPoint[];
}

/** The report of `nest-tracing coverage`. */
export interface CoverageReport {
  /** Version of this JSON shape. */
  schemaVersion: 1;
  /** The analysed paths, relative to the current directory. */
  paths: string[];
  services: ServiceCoverage[];
  /** Present when a spans file was given. */
  runtime?: { spansFile: string; spans: number };
}
