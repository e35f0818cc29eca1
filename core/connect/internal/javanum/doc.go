// Package javanum renders floating-point numbers as Java's Double.toString and Float.toString
// do. It is a leaf so that package connect (config values) and package javacompat (JSON
// encoding), which imports connect, share one implementation; javacompat is its public face.
package javanum
