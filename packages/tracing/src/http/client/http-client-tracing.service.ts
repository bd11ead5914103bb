import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { HTTP_TRACING_OPTIONS } from '../http-tracing.tokens.js';
import type { ResolvedHttpOptions } from '../resolve-http-options.js';
import { traceAxios } from './axios-tracing.js';
import type { AxiosLike } from './axios-tracing.js';
import { enableFetchTracing } from './fetch-tracing.js';
import type { FetchTracing } from './fetch-tracing.js';

function axiosOf(instance: unknown): AxiosLike | undefined {
  const candidate = (instance as { axiosRef?: AxiosLike } | undefined)?.axiosRef;
  return typeof candidate?.getUri === 'function' && typeof candidate.interceptors?.request?.use === 'function'
    ? candidate
    : undefined;
}

/**
 * Turns on tracing of outgoing calls once the application has started: global `fetch`, and the
 * axios instance of every `@nestjs/axios` `HttpService` (found by shape, so `@nestjs/axios` stays
 * optional); off again at shutdown.
 */
@Injectable()
export class HttpClientTracing implements OnApplicationBootstrap, OnApplicationShutdown {
  private fetchTracing: FetchTracing | undefined;
  private isEnabled: () => boolean = () => true;

  constructor(
    @Inject(HTTP_TRACING_OPTIONS) private readonly options: ResolvedHttpOptions | undefined,
    private readonly discovery: DiscoveryService,
  ) {}

  /** Trace outgoing calls only while `isEnabled()` says so at bootstrap (one TracingModule per application does). */
  enabledWhen(isEnabled: () => boolean): void {
    this.isEnabled = isEnabled;
  }

  async onApplicationBootstrap(): Promise<void> {
    const client = this.options?.client;
    if (!client || !this.isEnabled()) return;
    if (client.fetch)
      this.fetchTracing = await enableFetchTracing(this.options.correlationHeader, client.isIgnoredHost);
    if (!client.axios) return;
    for (const wrapper of this.discovery.getProviders()) {
      const axios = wrapper.isDependencyTreeStatic() ? axiosOf(wrapper.instance) : undefined;
      if (axios) traceAxios(axios, this.options.correlationHeader, client.isIgnoredHost);
    }
  }

  onApplicationShutdown(): void {
    this.fetchTracing?.disable();
    this.fetchTracing = undefined;
  }
}
