import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import './qwc-aio-line-chart.js';

/** Samples kept for the charts: five minutes at one a second. */
const KEPT = 300;
/** A stream of the server ends after a minute (so that a page closed without unsubscribing stops it): renew before. */
const RENEW_MILLIS = 50000;

/**
 * The AIO context's live figures: line charts of the last few minutes from the streamRates JSON-RPC stream (one
 * sample a second), and the configuration and counters from getFigures.
 */
export class QwcAioFigures extends LitElement {
    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 0.5em 1em; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1em; }
        qwc-aio-line-chart { height: 220px; }
        .tables { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 3em; margin-top: 1em; }
        table { border-collapse: collapse; }
        caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
        .error { color: var(--lumo-error-text-color, #c00); margin-bottom: 0.5em; }
        td { padding: 0.2em 1.2em 0.2em 0; }
        td.value { font-family: monospace; text-align: right; }
    `;

    static properties = {
        _samples: { state: true },
        _error: { state: true },
        _figures: { state: true },
    };

    constructor() {
        super();
        this._samples = [];
    }

    connectedCallback() {
        super.connectedCallback();
        this._refreshFigures();
        this._timer = setInterval(() => this._refreshFigures(), 5000);
        this._subscribe();
        this._renew = setInterval(() => this._subscribe(), RENEW_MILLIS);
    }

    _subscribe() {
        this._stream?.cancel();
        this._stream = this.jsonRpc.streamRates().onNext(response => {
            const samples = this._samples.concat([response.result]);
            this._samples = samples.length > KEPT ? samples.slice(samples.length - KEPT) : samples;
            this._error = null;
        }).onError(response => {
            this._error = response.error?.message ?? 'the stream of figures failed';
        });
    }

    disconnectedCallback() {
        clearInterval(this._timer);
        clearInterval(this._renew);
        this._stream?.cancel(); // the server stops timing completions once no one watches
        this._stream = null;
        super.disconnectedCallback();
    }

    _refreshFigures() {
        this.jsonRpc.getFigures().then(response => { this._figures = response.result; });
    }

    /** A figure the server left out (no latency when nothing completed) is a gap, not a zero. */
    _series(names) {
        return names.map(([key, label]) => ({ name: label, data: this._samples.map(s => [s.time, s[key] ?? null]) }));
    }

    _table(title, figures) {
        return html`<table><caption>${title}</caption>${Object.entries(figures).map(([name, value]) =>
            html`<tr><td>${name}</td><td class="value">${value}</td></tr>`)}</table>`;
    }

    render() {
        return html`
            ${this._error ? html`<div class="error">${this._error}</div>` : ''}
            <div class="charts">
                <qwc-aio-line-chart title="Operations per second" unit="/s"
                    .series=${this._series([['reads', 'reads'], ['writes', 'writes'], ['syncs', 'syncs']])}>
                </qwc-aio-line-chart>
                <qwc-aio-line-chart title="Bytes per second" unit="B/s" bytes
                    .series=${this._series([['bytesRead', 'read'], ['bytesWritten', 'written']])}>
                </qwc-aio-line-chart>
                <qwc-aio-line-chart title="Operations in flight and queued" unit=""
                    .series=${this._series([['inFlight', 'in the kernel'], ['queued', 'queued in Java']])}>
                </qwc-aio-line-chart>
                <qwc-aio-line-chart title="Completion latency" unit="µs"
                    .series=${this._series([['p50Micros', 'p50'], ['p99Micros', 'p99']])}>
                </qwc-aio-line-chart>
            </div>
            ${this._figures ? html`<div class="tables">${this._table('Configuration', this._figures.configuration)}
                ${this._table('Counters since start', this._figures.counters)}</div>` : html`<span>Loading...</span>`}
        `;
    }
}
customElements.define('qwc-aio-figures', QwcAioFigures);
