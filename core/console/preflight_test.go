package console_test

import (
	"net"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/connectless/connectless/infra/devstack"
)

// TestIntegrationConsolePreflight checks that the create form shows a preflight problem on a
// key it has no field for: a worker whose Kafka does not answer.
func TestIntegrationConsolePreflight(t *testing.T) {
	ctx := browser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	base := startWorkerOn(t, &devstack.Kafka{}, map[string]string{"bootstrap.servers": down})
	run(t, ctx, "fill the form",
		chromedp.Navigate(base+"/ui/new?plugin=org.apache.kafka.connect.file.FileStreamSinkConnector"),
		chromedp.WaitVisible(chromedp.CSS(`#f-file`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "out"),
		chromedp.SendKeys(chromedp.CSS(`#f-file`), "/tmp/out.txt"),
		chromedp.SendKeys(chromedp.CSS(`#f-topics`), "lines"),
		waitText(`#validation`, "bootstrap.servers: Kafka at "+down+" did not answer"))
}
