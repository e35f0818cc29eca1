package template

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func readTemplate(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// paramSets give every condition both ways.
var paramSets = []map[string]any{
	{"KafkaBootstrapServers": "b-1.msk:9096"},
	{"KafkaBootstrapServers": "b-1.msk:9096", "ExistingBucketName": "logs-archive", "KafkaSecretName": "AmazonMSK_connect",
		"SubnetIds": []any{"subnet-1", "subnet-2"}, "SecurityGroupIds": []any{"sg-1"}, "KafkaSecurityProtocol": "SASL_SSL"},
}

func TestTemplate(t *testing.T) {
	y := readTemplate(t)
	for i, params := range paramSets {
		if err := DecodeStrict(y, params); err != nil {
			t.Errorf("parameter set %d: %v", i, err)
		}
	}
	tpl, err := Parse(y)
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.CheckReferences(); err != nil {
		t.Error(err)
	}
	if err := tpl.CheckIAM(); err != nil {
		t.Error(err)
	}
	if err := tpl.CheckBuild(os.DirFS("../..")); err != nil {
		t.Error(err)
	}
}

// TestTemplateShape checks what the deployment promises: three arm64 functions on
// provided.al2023 built by sam build from the module root, the state table keyed like the dynamo store, IAM-authorized API, the task's
// dead-letter destination and the scheduler's single invoke grant.
func TestTemplateShape(t *testing.T) {
	tpl, err := Parse(readTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	props := func(name string) map[string]any {
		r := tpl.Resources[name]
		if r == nil {
			t.Fatalf("resource %s missing", name)
		}
		p, _ := r["Properties"].(map[string]any)
		return p
	}
	for _, fn := range []string{"RestFunction", "SchedulerFunction", "TaskFunction", "IcebergTaskFunction"} {
		if tpl.Resources[fn]["Type"] != "AWS::Serverless::Function" {
			t.Errorf("%s: type %v", fn, tpl.Resources[fn]["Type"])
		}
		if props(fn)["CodeUri"] != "." {
			t.Errorf("%s: CodeUri %v, want . (the module root, where the Makefile is)", fn, props(fn)["CodeUri"])
		}
	}
	g := tpl.Raw["Globals"].(map[string]any)["Function"].(map[string]any)
	if g["Runtime"] != "provided.al2023" || g["Handler"] != "bootstrap" {
		t.Errorf("globals: runtime %v handler %v", g["Runtime"], g["Handler"])
	}
	if tpl.Parameters["Architecture"].(map[string]any)["Default"] != "arm64" {
		t.Errorf("default architecture is not arm64")
	}
	// sam build cannot pass the Architecture parameter to make: the Makefile's default must agree.
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^LAMBDA_ARCHITECTURE\s*\?=\s*(\S+)`).FindSubmatch(mk); m == nil || string(m[1]) != "arm64" {
		t.Errorf("Makefile LAMBDA_ARCHITECTURE default %q, want arm64 as the template's Architecture", m)
	}
	table := props("StateTable")
	ks := table["KeySchema"].([]any)
	if len(ks) != 2 || ks[0].(map[string]any)["AttributeName"] != "pk" || ks[1].(map[string]any)["AttributeName"] != "sk" {
		t.Errorf("state table key schema %v, want pk HASH, sk RANGE (core/store/dynamo)", ks)
	}
	if table["BillingMode"] != "PAY_PER_REQUEST" || table["PointInTimeRecoverySpecification"] == nil {
		t.Errorf("state table must be on-demand with point-in-time recovery")
	}
	if props("HttpApiRoute")["AuthorizationType"] != "AWS_IAM" {
		t.Errorf("API route is not IAM-authorized")
	}
	for _, fn := range []string{"TaskFunction", "IcebergTaskFunction"} {
		dest := props(fn)["EventInvokeConfig"].(map[string]any)["DestinationConfig"].(map[string]any)["OnFailure"].(map[string]any)
		if dest["Type"] != "SQS" {
			t.Errorf("%s on-failure destination %v", fn, dest)
		}
	}
	// The scheduler routes the Iceberg sink's tasks to their own function, the task
	// function names it when one is sent there, and the REST function has it run the Iceberg
	// sink's catalog checks (functions/scheduler, functions/task, functions/rest).
	for _, fn := range []string{"SchedulerFunction", "TaskFunction", "RestFunction"} {
		vars, _ := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
		if ref, _ := vars["CONNECT_ICEBERG_TASK_FUNCTION_NAME"].(map[string]any); ref["Ref"] != "IcebergTaskFunction" {
			t.Errorf("%s: CONNECT_ICEBERG_TASK_FUNCTION_NAME %v, want !Ref IcebergTaskFunction", fn, vars["CONNECT_ICEBERG_TASK_FUNCTION_NAME"])
		}
	}
	if tpl.Resources["IcebergTaskFunctionLogGroup"] == nil {
		t.Errorf("IcebergTaskFunction has no log group of its own")
	}
	// lambda:InvokeFunction: the scheduler function on the task functions, the REST function
	// on the Iceberg task function (its preflight), nothing else.
	invokes := map[string][]string{"SchedulerFunction": {"TaskFunction", "IcebergTaskFunction"}, "RestFunction": {"IcebergTaskFunction"}}
	for _, fn := range []string{"RestFunction", "SchedulerFunction", "TaskFunction", "IcebergTaskFunction"} {
		for _, st := range tpl.branches(props(fn)["Policies"].([]any)[0].(map[string]any)["Statement"]) {
			m := st.(map[string]any)
			for _, a := range asList(m["Action"]) {
				if a != "lambda:InvokeFunction" {
					continue
				}
				res, _ := getAtt(m["Resource"].(map[string]any)["Fn::GetAtt"])
				if !slices.Contains(invokes[fn], res) {
					t.Errorf("%s may invoke %v", fn, m["Resource"])
				}
			}
		}
	}
}

// TestTemplateChecksFail shows each check catching what it is for.
func TestTemplateChecksFail(t *testing.T) {
	y := string(readTemplate(t))
	tests := []struct {
		name, old, new string
		check          string
		want           string
	}{
		{"misspelled property", "      Timeout: 60\n", "      Timeout: 60\n      MemorySise: 128\n", "decode", "MemorySise"},
		{"unknown nested property", "        PointInTimeRecoveryEnabled: true\n", "        PointInTimeRecoveryEnabled: true\n        Enabeld: true\n", "decode", "Enabeld"},
		{"property inside a condition branch", "      - SubnetIds: !Ref SubnetIds\n", "      - SubnetIdz: !Ref SubnetIds\n", "decode", "SubnetIdz"},
		{"dangling GetAtt", "Resource: !GetAtt TaskFunction.Arn", "Resource: !GetAtt TaskFunktion.Arn", "refs", "TaskFunktion"},
		{"dangling Ref", "ApiId: !Ref HttpApi\n      IntegrationType", "ApiId: !Ref HttpApy\n      IntegrationType", "refs", "HttpApy"},
		{"dangling Sub", "/aws/lambda/${TaskFunction}", "/aws/lambda/${TaskFunctin}", "refs", "TaskFunctin"},
		{"unknown condition", "Condition: CreateBucket\n", "Condition: MakeBucket\n", "refs", "MakeBucket"},
		{"dangling DependsOn", "DependsOn: RestFunctionLogGroup", "DependsOn: RestFunctionLogGrp", "refs", "RestFunctionLogGrp"},
		{"wildcard resource", "Resource: !GetAtt TaskDeadLetterQueue.Arn", "Resource: \"*\"", "iam", "sqs:SendMessage"},
		{"hard-coded ARN", "Resource: !GetAtt TaskDeadLetterQueue.Arn", "Resource: arn:aws:sqs:us-east-1:1:other", "iam", "hard-coded"},
		{"foreign Sub", `Resource: !Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${KafkaSecretName}-*`,
			`Resource: !Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*`, "iam", "names none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(y, tc.old) {
				t.Fatalf("template no longer contains %q", tc.old)
			}
			mod := []byte(strings.Replace(y, tc.old, tc.new, 1))
			var err error
			switch tc.check {
			case "decode":
				err = DecodeStrict(mod, paramSets[1])
			default:
				tpl, perr := Parse(mod)
				if perr != nil {
					t.Fatal(perr)
				}
				if tc.check == "refs" {
					err = tpl.CheckReferences()
				} else {
					err = tpl.CheckIAM()
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestTemplateBuildChecksFail shows CheckBuild catching each way sam build would break.
func TestTemplateBuildChecksFail(t *testing.T) {
	y := string(readTemplate(t))
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	taskMeta := "  TaskFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildMethod: makefile"
	tests := []struct {
		name                string
		tplOld, tplNew      string
		makeOld, makeNew    string
		noGoMod, noMakefile bool
		want                string
	}{
		{name: "no BuildMethod", tplOld: taskMeta, tplNew: "  TaskFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      Other: x",
			want: "TaskFunction: Metadata BuildMethod is <nil>"},
		{name: "other BuildMethod", tplOld: taskMeta, tplNew: strings.Replace(taskMeta, "makefile", "go1.x", 1),
			want: "TaskFunction: Metadata BuildMethod is go1.x"},
		{name: "missing target", makeOld: "\nbuild-SchedulerFunction:\n", makeNew: "\nbuild-SchedulerFunktion:\n",
			want: "SchedulerFunction: Makefile has no build-SchedulerFunction target"},
		{name: "target only declared phony", makeOld: "\nbuild-RestFunction:\n", makeNew: "\nbuild-Rest:\n",
			want: "RestFunction: Makefile has no build-RestFunction target"},
		{name: "CodeUri is a zip", tplOld: "CodeUri: . # the module root (go.mod), where the Makefile is\n      Timeout: 30",
			tplNew: "CodeUri: dist/functions/rest.zip\n      Timeout: 30", want: "RestFunction: CodeUri \"dist/functions/rest.zip\" is not the module root"},
		{name: "CodeUri outside the repository", tplOld: "CodeUri: . # the module root (go.mod), where the Makefile is\n      Timeout: 30",
			tplNew: "CodeUri: ../elsewhere\n      Timeout: 30", want: "leaves the template's folder"},
		{name: "no go.mod", noGoMod: true, want: "is not the module root"},
		{name: "no Makefile", noMakefile: true, want: "has no Makefile"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ty, tm := y, string(mk)
			if tc.tplOld != "" {
				if !strings.Contains(ty, tc.tplOld) {
					t.Fatalf("template no longer contains %q", tc.tplOld)
				}
				ty = strings.Replace(ty, tc.tplOld, tc.tplNew, 1)
			}
			if tc.makeOld != "" {
				if !strings.Contains(tm, tc.makeOld) {
					t.Fatalf("Makefile no longer contains %q", tc.makeOld)
				}
				tm = strings.Replace(tm, tc.makeOld, tc.makeNew, 1)
			}
			fsys := fstest.MapFS{}
			if !tc.noGoMod {
				fsys["go.mod"] = &fstest.MapFile{Data: gomod}
			}
			if !tc.noMakefile {
				fsys["Makefile"] = &fstest.MapFile{Data: []byte(tm)}
			}
			tpl, err := Parse([]byte(ty))
			if err != nil {
				t.Fatal(err)
			}
			err = tpl.CheckBuild(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestTemplateMakeRules pins down which Makefile lines count as a rule for a target.
func TestTemplateMakeRules(t *testing.T) {
	tests := []struct {
		name, makefile string
		want           bool
	}{
		{"rule", "build-X:\n\tcmd\n", true},
		{"rule with prerequisites", "build-X: deps\n", true},
		{"double-colon rule", "build-X::\n", true},
		{"one of several targets", "build-A build-X build-B:\n", true},
		{"rule with inline recipe", "build-X: ; cmd\n", true},
		{"phony declaration only", ".PHONY: build-X\n", false},
		{"assignment", "build-X := 1\n", false},
		{"conditional assignment", "build-X ?= 1\n", false},
		{"POSIX assignment", "build-X ::= 1\n", false},
		{"recipe line", "other:\n\tmake build-X: y\n", false},
		{"comment", "# build-X:\n", false},
		{"longer name", "build-XY:\n", false},
		{"prefix of the name", "prebuild-X:\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := hasRule([]byte(tc.makefile), "build-X"); got != tc.want {
				t.Errorf("hasRule(%q) = %v, want %v", tc.makefile, got, tc.want)
			}
		})
	}
}

// TestTemplateLocalStackNames checks that the LocalStack scripts name only template.yaml's
// parameters and resources, which they cannot check themselves where Docker is missing.
func TestTemplateLocalStackNames(t *testing.T) {
	tpl, err := Parse(readTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	paramRe := regexp.MustCompile(`(?m)^\s+([A-Z][A-Za-z]+)=\S`)
	resRe := regexp.MustCompile(`--logical-resource-id\s+([A-Za-z]+)`)
	files, err := filepath.Glob("../../localstack/*.sh")
	if err != nil || len(files) == 0 {
		t.Fatalf("no localstack scripts: %v", err)
	}
	var params, resources int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range paramRe.FindAllSubmatch(b, -1) {
			params++
			if !tpl.isParam(string(m[1])) {
				t.Errorf("%s: parameter %s is not template.yaml's", filepath.Base(f), m[1])
			}
		}
		for _, m := range resRe.FindAllSubmatch(b, -1) {
			resources++
			if tpl.Resources[string(m[1])] == nil {
				t.Errorf("%s: resource %s is not template.yaml's", filepath.Base(f), m[1])
			}
		}
	}
	if params == 0 || resources == 0 {
		t.Errorf("found %d parameter overrides and %d resource names in the scripts: the patterns no longer match them", params, resources)
	}
}
