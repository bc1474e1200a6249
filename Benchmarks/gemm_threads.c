/* Issue 10 item 2's measurement: wall and CPU time (all threads, getrusage) per cblas_dgemm
 * call with 1 and 2 OpenBLAS threads, at the sizes Hebb's workloads use (the RNN's 32x64 @
 * 64x64, conv2d's per-image 20x25 @ 25x576, the MLP's 200x784 @ 784x500) and squares
 * between. Rounds alternate 1 and 2 threads; each figure is the best of 5. CPU time above
 * twice the wall time's share is worker threads spinning. Build: gcc -O2 gemm_threads.c
 * -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -o /tmp/gemm_threads */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
void openblas_set_num_threads(int);
static double wall(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
static double cpu(){struct rusage r; getrusage(RUSAGE_SELF,&r); return (r.ru_utime.tv_sec+r.ru_stime.tv_sec)*1e6+r.ru_utime.tv_usec+r.ru_stime.tv_usec;}
int main(int argc,char**argv){ int sizes[][3]={{32,64,64},{20,576,25},{64,64,64},{32,128,128},{96,96,96},{128,128,128},{160,160,160},{192,192,192},{256,256,256},{384,384,384},{200,500,784}};
 int ns=sizeof sizes/sizeof sizes[0];
 double *a=malloc(8*1024*1024*8),*b=malloc(8*1024*1024*8),*c=malloc(8*1024*1024*8);
 for(long i=0;i<1024*1024*8;i++){a[i]=rand()/(double)RAND_MAX;b[i]=a[i];}
 printf("%-14s %9s %9s %9s %9s  MNK\n","m,n,k","wall1 us","wall2 us","cpu1 us","cpu2 us");
 for(int s=0;s<ns;s++){ int m=sizes[s][0],n=sizes[s][1],k=sizes[s][2]; double mnk=(double)m*n*k; long reps=(long)(3e8/mnk); if(reps<5)reps=5;
  double bw[3]={1e18,1e18,1e18}, bc[3]={1e18,1e18,1e18};
  for(int round=0;round<5;round++) for(int th=1;th<=2;th++){ openblas_set_num_threads(th);
   cblas_dgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,m,n,k,1,a,k,b,n,0,c,n);
   double t=wall(), u=cpu(); for(long r=0;r<reps;r++) cblas_dgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,m,n,k,1,a,k,b,n,0,c,n);
   t=(wall()-t)/reps; u=(cpu()-u)/reps; if(t<bw[th])bw[th]=t; if(u<bc[th])bc[th]=u;}
  printf("%4d,%4d,%4d %9.2f %9.2f %9.2f %9.2f  %.0f\n",m,n,k,bw[1],bw[2],bc[1],bc[2],mnk); fflush(stdout);}
}
