import { LitElement, html, css } from 'lit';
import 'echarts/dist/echarts.min.js'; // the ECharts the Dev UI ships (its own charts use it): defines window.echarts

/**
 * A time-axis line chart. Properties: title, unit, bytes (values are bytes per second: the axis in KiB/MiB/GiB), and
 * series, an array of { name, data: [[epochMillis, value], ...] } where a null value leaves a gap.
 */
class QwcAioLineChart extends LitElement {

    static styles = css`
        :host { display: block; }
        .chart { width: 100%; height: 100%; }
    `;

    static properties = {
        title: { type: String },
        unit: { type: String },
        bytes: { type: Boolean },
        series: { type: Array },
    };

    constructor() {
        super();
        this.series = [];
        this.unit = '';
    }

    render() {
        return html`<div class="chart"></div>`;
    }

    /** After the first render, and again when the element comes back after being detached (which disposed it). */
    updated() {
        if (!this._chart) {
            this._chart = echarts.init(this.shadowRoot.querySelector('.chart'));
            this._resize = new ResizeObserver(() => this._chart?.resize());
            this._resize.observe(this);
        }
        this._chart.setOption(this._option(), { replaceMerge: ['series'] });
    }

    connectedCallback() {
        super.connectedCallback();
        if (this.hasUpdated) {
            this.requestUpdate(); // re-attached: updated() makes the chart again
        }
    }

    disconnectedCallback() {
        this._resize?.disconnect();
        this._chart?.dispose();
        this._chart = null;
        super.disconnectedCallback();
    }

    _format(value) {
        if (value === null || value === undefined) {
            return '-';
        }
        if (this.bytes) {
            const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
            let i = 0;
            while (Math.abs(value) >= 1024 && i < units.length - 1) {
                value /= 1024;
                i++;
            }
            return `${value.toFixed(i === 0 ? 0 : 1)} ${units[i]}/s`;
        }
        return `${Number.isInteger(value) ? value : value.toFixed(1)}${this.unit ? ' ' + this.unit : ''}`;
    }

    _option() {
        const text = getComputedStyle(this).getPropertyValue('--lumo-body-text-color').trim() || '#333';
        return {
            animation: false,
            title: { text: this.title, left: 0, top: 0, textStyle: { fontSize: 13, color: text } },
            tooltip: { trigger: 'axis', valueFormatter: v => this._format(v) },
            legend: { top: 22, left: 0, textStyle: { color: text } },
            grid: { left: 80, right: 20, top: 55, bottom: 25 },
            xAxis: { type: 'time', splitNumber: 4, axisLabel: { color: text, hideOverlap: true } },
            yAxis: { type: 'value', min: 0, axisLabel: { color: text, formatter: v => this._format(v) } },
            series: (this.series || []).map(s => ({
                name: s.name, type: 'line', showSymbol: false, connectNulls: false, data: s.data,
            })),
        };
    }
}
customElements.define('qwc-aio-line-chart', QwcAioLineChart);
