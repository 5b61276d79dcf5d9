package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/attribute"
	"github.com/gctrace/gctrace/engine"
)

// memoryTitle heads the memory usage of one process: where it comes from
// and the span it covers.
func memoryTitle(r *engine.Result, p *analyze.ProcessReport) string {
	m := p.Memory
	span := "since the program started"
	if m.WindowS > 0 {
		span = fmt.Sprintf("over %.1fs", m.WindowS)
	}
	return fmt.Sprintf("Where the memory goes: process %s, heap profile %s", reportProcessName(r, p), span)
}

// memoryTotals is the usage's totals in a line.
func memoryTotals(m *analyze.MemoryUsage) string {
	s := fmt.Sprintf("allocated %s", fmtMiB(m.AllocatedMiB))
	if m.WindowS > 0 {
		s += fmt.Sprintf(" (%.1f MiB/s)", m.AllocatedMiB/m.WindowS)
	}
	return s + fmt.Sprintf(", in use %s", fmtGrowth(m.InuseGrowthMiB))
}

// allocatorCells and growthCells are one function of each list as table
// cells: name, place, figures, share.
func allocatorCells(m *analyze.MemoryUsage, f *analyze.FuncUsage) []string {
	amount := fmtMiB(f.AllocatedMiB)
	if m.WindowS > 0 {
		amount = fmt.Sprintf("%.1f MiB/s", f.AllocRateMiBPerS)
	}
	size := ""
	if f.AllocationBytes > 0 {
		size = attribute.FormatBytes(f.AllocationBytes) + " per allocation"
	}
	return []string{f.Func, f.Where, amount, fmt.Sprintf("%.0f%%", f.SharePercent), fmt.Sprintf("%.0f%% kept", f.KeptPercent()), size}
}

func growthCells(f *analyze.FuncUsage) []string {
	return []string{f.Func, f.Where, fmtGrowth(f.InuseGrowthMiB), fmt.Sprintf("%.0f%%", f.SharePercent)}
}

func fmtMiB(v float64) string { return attribute.FormatBytes(int64(v * (1 << 20))) }

func fmtGrowth(v float64) string {
	if v >= 0 {
		return "+" + fmtMiB(v)
	}
	return "-" + fmtMiB(-v)
}

// textMemory writes, for each process with a heap profile, the top
// allocators and the top in-use growth.
func textMemory(w io.Writer, r *engine.Result) {
	for i := range r.Processes {
		p := &r.Processes[i]
		m := p.Memory
		if m == nil {
			continue
		}
		fmt.Fprintf(w, "\n%s\n  %s\n", memoryTitle(r, p), memoryTotals(m))
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  top allocators (alloc_space)\n")
		if len(m.Allocators) == 0 {
			fmt.Fprintf(tw, "    none\n")
		}
		for j := range m.Allocators {
			fmt.Fprintf(tw, "    %s\n", strings.TrimRight(strings.Join(allocatorCells(m, &m.Allocators[j]), "\t"), "\t"))
		}
		fmt.Fprintf(tw, "  top in-use growth (inuse_space)\n")
		if len(m.Growth) == 0 {
			fmt.Fprintf(tw, "    none\n")
		}
		for j := range m.Growth {
			fmt.Fprintf(tw, "    %s\n", strings.Join(growthCells(&m.Growth[j]), "\t"))
		}
		tw.Flush()
	}
}

// markdownMemory is textMemory for markdown.
func markdownMemory(w io.Writer, r *engine.Result) {
	for i := range r.Processes {
		p := &r.Processes[i]
		m := p.Memory
		if m == nil {
			continue
		}
		fmt.Fprintf(w, "\n## %s\n\n%s.\n", memoryTitle(r, p), upperFirst(memoryTotals(m)))
		fmt.Fprintf(w, "\n| top allocators (alloc_space) | where | allocated | share | kept | allocation |\n|---|---|---|---|---|---|\n")
		for j := range m.Allocators {
			markdownRow(w, allocatorCells(m, &m.Allocators[j]))
		}
		fmt.Fprintf(w, "\n| top in-use growth (inuse_space) | where | in use | share |\n|---|---|---|---|\n")
		for j := range m.Growth {
			markdownRow(w, growthCells(&m.Growth[j]))
		}
	}
}

func markdownRow(w io.Writer, cells []string) {
	for i := range cells {
		cells[i] = markdownCell(cells[i])
	}
	cells[0] = "`" + cells[0] + "`"
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}
