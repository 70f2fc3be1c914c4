// Prometheus text-format metrics of the API process: requests, latencies, case workflows started.
// The worker's own metrics (activity failures, task latencies) come from the Temporal SDK's exporter
// on WORKER_METRICS_PORT.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics {
  private requests = new Map<string, number>();
  private durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private counters = new Map<string, number>();

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const durationKey = `method="${method}",route="${route}"`;
    const histogram = this.durations.get(durationKey) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) histogram.buckets[index]! += 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
    this.durations.set(durationKey, histogram);
  }

  increment(name: string): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
  }

  render(): string {
    const lines = ['# HELP http_requests_total HTTP requests answered', '# TYPE http_requests_total counter'];
    for (const [labels, count] of this.requests) lines.push(`http_requests_total{${labels}} ${count}`);
    lines.push('# HELP http_request_duration_seconds Time to answer', '# TYPE http_request_duration_seconds histogram');
    for (const [labels, histogram] of this.durations) {
      BUCKETS.forEach((bound, index) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${bound}"} ${histogram.buckets[index]}`));
      lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${histogram.count}`);
      lines.push(`http_request_duration_seconds_sum{${labels}} ${histogram.sum}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${histogram.count}`);
    }
    lines.push('# HELP case_workflows_started_total Case workflows started', '# TYPE case_workflows_started_total counter');
    lines.push(`case_workflows_started_total ${this.counters.get('case_workflows_started_total') ?? 0}`);
    return `${lines.join('\n')}\n`;
  }
}
