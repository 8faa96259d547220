import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/** The AIO context's live figures, refreshed every second. */
export class QwcAioFigures extends LitElement {
    jsonRpc = new JsonRpc(this);

    static styles = css`
        table { border-collapse: collapse; margin: 1em; }
        td { padding: 0.3em 1.2em 0.3em 0; }
        td.value { font-family: monospace; text-align: right; }
    `;

    static properties = {
        _figures: { state: true },
    };

    connectedCallback() {
        super.connectedCallback();
        this._refresh();
        this._timer = setInterval(() => this._refresh(), 1000);
    }

    disconnectedCallback() {
        clearInterval(this._timer);
        super.disconnectedCallback();
    }

    _refresh() {
        this.jsonRpc.getFigures().then(response => { this._figures = response.result; });
    }

    render() {
        if (!this._figures) {
            return html`<span>Loading...</span>`;
        }
        return html`<table>${Object.entries(this._figures).map(([name, value]) =>
            html`<tr><td>${name}</td><td class="value">${value}</td></tr>`)}</table>`;
    }
}
customElements.define('qwc-aio-figures', QwcAioFigures);
